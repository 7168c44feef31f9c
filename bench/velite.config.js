// Velite over the benchmark corpus: the same fields as agentc, the body kept raw (no markdown rendering).
// bench/run.mjs copies this file into the corpus folder and runs `velite build` there.
import { defineConfig, s } from 'velite';

export default defineConfig({
  root: 'agents',
  output: { data: '.velite', assets: '.velite/static', base: '/static/', clean: true },
  collections: {
    agents: {
      name: 'Agent',
      pattern: '**/*.md',
      schema: s.object({
        name: s.string(),
        description: s.string(),
        tools: s.string().optional(),
        model: s.string().optional(),
        color: s.string().optional(),
        body: s.raw(),
      }),
    },
  },
});
