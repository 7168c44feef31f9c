/**
 * The `agents` command as a few ES modules (`npm run build:lib` runs this after tsc): lib/cli/bin.js
 * and the ~360 module files it loads (zod, yaml, remark and micromark, ...) bundled into
 * lib/bundle/agents.js and its lazily loaded chunks. Node's loader resolves, reads, compiles and
 * links every module file on each start; with the bundle a cold build of 200 agents took
 * 1.10 -> 0.91 s here (README, Development).
 * The library (lib/index.js) stays tsc's output, one module per source.
 *
 * esbuild stays in node_modules (a native binary with its own JS API).
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = path.join(repo, 'lib');
const outdir = path.join(lib, 'bundle');
const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));

// Chunks of an earlier bundle: their names are content hashes, so they would pile up.
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { agents: path.join(lib, 'cli/bin.js') },
  outdir,
  bundle: true,
  // Dynamic imports stay lazy: a build that finds dist/ up to date never loads the compiler.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['esbuild'],
  // CommonJS packages in an ES module bundle call `require` for Node's built-ins.
  banner: { js: "import { createRequire as __agentcCreateRequire } from 'node:module';\nconst require = __agentcCreateRequire(import.meta.url);" },
  plugins: [
    {
      // parse.ts and cache.ts load packages on first use through createRequire, which a bundler
      // cannot follow: without that line their `require` calls are the bundle's own, lazily
      // initialized modules. A changed line fails the build instead of loading them unbundled.
      name: 'agentc-lazy-require',
      setup(build) {
        const files = ['pipeline/parse.js', 'cache.js'].map((f) => path.join(lib, f));
        build.onLoad({ filter: /\.js$/ }, (args) => {
          if (!files.includes(args.path)) return undefined;
          const text = readFileSync(args.path, 'utf8');
          const line = 'const require = createRequire(import.meta.url);';
          if (!text.includes(line)) throw new Error(`${args.path}: no \`${line}\` to bundle the requires of`);
          return { contents: text.replace(line, ''), loader: 'js' };
        });
      },
    },
    {
      // zod re-exports its ~60 message locales (`z.locales`), ~360 KB that every start parsed
      // and ran (~25 ms of each start here); agentc's messages are its own and zod's English
      // default (which zod imports by itself) is the only one it sets. `z.locales` keeps `en`.
      name: 'agentc-zod-english-only',
      setup(build) {
        build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
          /[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'agentc-zod-locales' } : undefined,
        );
        build.onLoad({ filter: /.*/, namespace: 'agentc-zod-locales' }, () => ({
          contents: "export { default as en } from './en.js';\n",
          resolveDir: path.join(repo, 'node_modules/zod/v4/locales'),
          loader: 'js',
        }));
      },
    },
    {
      // version.js reads `../package.json` beside its own module, which the bundle's folder is not.
      name: 'agentc-version',
      setup(build) {
        const file = path.join(lib, 'version.js');
        build.onLoad({ filter: /version\.js$/ }, (args) => (args.path === file ? { contents: `export const VERSION = ${JSON.stringify(version)};\n`, loader: 'js' } : undefined));
      },
    },
  ],
  logLevel: 'warning',
});
