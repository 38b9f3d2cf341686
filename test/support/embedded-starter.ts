// A gateway-like process that starts the embedded Postgres of a folder, for the embedded Postgres specs.
// Usage: node test/support/ts-child.cjs test/support/embedded-starter.ts <baseDir> [stopTimeoutMs] [waitFor]
// Waits for the file `waitFor` (when given), starts, and prints one JSON line: `started` with the port and
// the postmaster's pid, or `refused` with the error's first line. On "stop" from stdin it stops and prints
// `stopped` with how long stop() took; on "exit", at any moment, it calls process.exit() (what a second
// Ctrl-C does), which leaves the embedded server's exit handler to clean up.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { EmbeddedPostgres } from '@toolgate/database';

const [baseDir, stopTimeoutMs, waitFor] = process.argv.slice(2);
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  if (waitFor) while (!existsSync(waitFor)) await new Promise((done) => setImmediate(done));
  const server = new EmbeddedPostgres({
    baseDir,
    port: 0,
    database: 'toolgate',
    stopTimeoutMs: Number(stopTimeoutMs) || undefined,
  });
  let started = false;
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'exit') process.exit(130);
    if (line !== 'stop' || !started) return;
    const began = Date.now();
    void server.stop().then(() => {
      say({ event: 'stopped', ms: Date.now() - began });
      process.exit(0);
    });
  });
  try {
    await server.start();
  } catch (error) {
    say({ event: 'refused', message: String((error as Error).message).split('\n')[0] });
    process.exit(0);
  }
  started = true;
  const postmaster = Number(readFileSync(join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  say({ event: 'started', port: server.port, postmaster });
}

void main();
