// agentc over the benchmark corpus with only the json target: one JSON record per agent and
// manifest.json, the kind of output the peers write. The default build also writes the ts,
// claude-agent-sdk and claude-code targets (six files per agent); this row shows what they cost.
// bench/run.mjs copies this file into the corpus folder and runs `agents build --config` with it.
export default {
  include: ['agents/**/*.md'],
  outDir: 'dist-json',
  targets: ['json'],
  models: { default: 'claude-sonnet-4-5', aliases: { sonnet: 'claude-sonnet-4-5', opus: 'claude-opus-4-1', haiku: 'claude-haiku-4-5' } },
};
