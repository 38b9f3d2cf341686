// A Postgres server driven over stdin ("start" / "stop" / "exit") from a plain Node process, so tests can
// stop and restart a real database under a running gateway. Prints "ready <url>" and "stopped".
// Usage: node test/support/ts-child.cjs test/support/postgres-runner.ts <baseDir> <port>
import { createInterface } from 'node:readline';

import { EmbeddedPostgres } from '@toolgate/database';

const [baseDir, port] = process.argv.slice(2);
const server = new EmbeddedPostgres({ baseDir, port: Number(port), database: 'postgres' });

async function main(): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'start') {
      process.stdout.write(`ready ${await server.start()}\n`);
    } else if (line === 'stop') {
      await server.stop();
      process.stdout.write('stopped\n');
    } else if (line === 'exit') {
      await server.stop();
      process.exit(0);
    }
  }
}

void main();
