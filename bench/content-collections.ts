// Content Collections over the benchmark corpus: the same fields as agentc plus the raw content.
// bench/run.mjs copies this file into the corpus folder and runs `content-collections build` there.
import { defineCollection, defineConfig } from '@content-collections/core';
import { z } from 'zod';

const agents = defineCollection({
  name: 'agents',
  directory: 'agents',
  include: '**/*.md',
  schema: z.object({
    name: z.string(),
    description: z.string(),
    tools: z.string().optional(),
    model: z.string().optional(),
    color: z.string().optional(),
    content: z.string(),
  }),
});

export default defineConfig({ content: [agents] });
