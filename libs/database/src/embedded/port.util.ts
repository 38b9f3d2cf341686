import { createServer } from 'node:net';

/** Resolves when nothing listens on 127.0.0.1:port; rejects with a clear message otherwise. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `Embedded Postgres cannot start: port ${port} is already in use by another process. ` +
                'Set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing server.'
            : `Embedded Postgres cannot check port ${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolvePort()));
  });
}

/** Asks the kernel for a free TCP port on loopback. */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
