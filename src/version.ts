import { createRequire } from 'node:module';

/** agentc's version, from its package.json (part of every cache key). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
