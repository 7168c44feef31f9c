import { defineConfig } from 'agentc';

export default defineConfig({
  include: ['agents/**/*.md'],
  outDir: 'dist',
  models: {
    // What `model: inherit` (or no model) compiles to.
    default: 'claude-sonnet-4-5',
    aliases: {
      sonnet: 'claude-sonnet-4-5',
      opus: 'claude-opus-4-1',
      haiku: 'claude-haiku-4-5',
    },
  },
  package: { name: '@example/agents', version: '1.0.0' },
});
