import { runCli } from './main.js';

const code = await runCli(process.argv.slice(2), { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
