import 'reflect-metadata';

import { ConfigValidationError } from '@toolgate/config';

import { createGatewayApp, type CreatedGateway } from './app.factory';
import { BootSignals } from './boot-signals.util';
import { StopSignals } from './stop-signals.util';

async function bootstrap(): Promise<void> {
  const signals = new BootSignals();
  let created: CreatedGateway;
  try {
    created = await createGatewayApp();
  } finally {
    signals.dispose();
  }
  const { app, config } = created;
  // From here until the app has closed: a second stop signal is logged, a third exits (exit handlers run).
  const stopping = new StopSignals(() => app.close());
  const stop = signals.received;
  if (stop) {
    // Asked to stop while booting: close what started (the embedded Postgres among it), then end as the
    // signal would have, the way Nest's own shutdown hook does.
    await stopping.begin(stop);
    stopping.dispose();
    process.kill(process.pid, stop);
    return;
  }
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const base = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  process.stdout.write(
    `\nToolgate is running on ${base}\n` +
      `  API docs   ${base}/docs\n` +
      `  OpenAPI    ${base}/docs-json\n` +
      `  Health     ${base}/health\n` +
      `  Metrics    ${base}/metrics\n\n`,
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Toolgate failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
