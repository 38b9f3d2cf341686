// Runs a compiled entry point from dist/ with the remaining arguments, building first when it is missing.
// Usage: node scripts/run-dist.mjs dist/<path>.js [args...]. Build output goes to stderr so stdout carries
// only the program's own output; the program's exit code (or signal) is forwarded.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [target, ...args] = process.argv.slice(2);

if (!target) {
  process.stderr.write('usage: node scripts/run-dist.mjs dist/<path>.js [args...]\n');
  process.exit(2);
}

const entry = resolve(root, target);
if (!existsSync(entry)) {
  process.stderr.write(`${target} is not built yet: running npm run build\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0 || !existsSync(entry)) {
    process.stderr.write(`build failed or did not produce ${target}\n`);
    process.exit(build.status || 1);
  }
}

const run = spawnSync(process.execPath, [entry, ...args], { stdio: 'inherit' });
if (run.error) {
  process.stderr.write(`${run.error.message}\n`);
  process.exit(1);
}
if (run.signal) process.kill(process.pid, run.signal);
process.exit(run.status ?? 1);
