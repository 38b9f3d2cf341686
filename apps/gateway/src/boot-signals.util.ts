import { constants } from 'node:os';

/** The signals that stop the gateway (SIGHUP reloads the policy instead). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT'];

const REPEAT_WINDOW_MS = 1_000;

/**
 * Stop signals that arrive while the app is being created, before `configureApp` enables Nest's shutdown
 * hooks. Without a listener their default action ends the process at once, leaving the embedded Postgres
 * (started by then) running. The first one is remembered: `main.ts` abandons the boot as soon as the app
 * exists and closes it, which stops Postgres. A second one (another signal, or the same after a second)
 * exits at once; the embedded server's `exit`
 * handler then signals Postgres to stop.
 */
export class BootSignals {
  private first?: NodeJS.Signals;
  private firstAt = 0;

  private readonly listener = (signal: NodeJS.Signals): void => {
    if (!this.first) {
      this.first = signal;
      this.firstAt = Date.now();
      return;
    }
    // The same signal again within a second is one Ctrl-C delivered twice (the terminal's, and npm's
    // forwarded copy under `npm start`): the boot still closes cleanly.
    if (signal === this.first && Date.now() - this.firstAt < REPEAT_WINDOW_MS) return;
    process.exit(128 + constants.signals[signal]);
  };

  constructor(private readonly signals: readonly NodeJS.Signals[] = STOP_SIGNALS) {
    for (const signal of signals) process.on(signal, this.listener);
  }

  /** The stop signal received while booting, if any. */
  get received(): NodeJS.Signals | undefined {
    return this.first;
  }

  /** Hands the signals back (to Nest's shutdown hooks, or to their default action). */
  dispose(): void {
    for (const signal of this.signals) process.removeListener(signal, this.listener);
  }
}
