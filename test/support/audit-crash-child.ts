// The real gateway with the `test` provider, in a child process a test can SIGKILL (run through
// ts-child.cjs). Configured by environment; prints "ready <port>" once listening.
import 'reflect-metadata';

import { TestProviderModule } from '@toolgate/testing';

import { createGatewayApp } from '../../apps/gateway/src/app.factory';

async function main(): Promise<void> {
  const { app } = await createGatewayApp({ imports: [TestProviderModule] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = new URL(await app.getUrl()).port;
  process.stdout.write(`ready ${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
