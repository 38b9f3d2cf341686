import { constants } from 'node:os';

import { Logger } from '@nestjs/common';

import { STOP_SIGNALS } from './boot-signals.util';

/** A repeat of the first stop signal this long after it is insistence, not a copy (npm forwards Ctrl-C). */
export const INSIST_AFTER_MS = 5_000;

/**
 * Stop signals while the app closes. Nest's shutdown hook handles the first one (or `main.ts`, for one received
 * while booting) and ignores the rest silently; without this listener a stop could not be hurried short of
 * SIGKILL. A second signal is logged; a third, or the first one again after `INSIST_AFTER_MS`, exits through
 * `process.exit`, so the `exit` handlers still run (the embedded Postgres's stops its server, bounded). Once
 * the app has closed, a signal (Nest re-raising the first) takes its default action.
 */
export class StopSignals {
  private received = 0;
  private first?: NodeJS.Signals;
  private firstAt = 0;
  private closed = false;

  private readonly listener = (signal: NodeJS.Signals): void => {
    if (this.closed) {
      this.dispose();
      process.kill(process.pid, signal);
      return;
    }
    if (this.received === 0) {
      void this.begin(signal).catch(() => undefined); // Nest's hook reports a failed close
      return;
    }
    this.received += 1;
    const insists = signal === this.first && Date.now() - this.firstAt >= INSIST_AFTER_MS;
    if (this.received >= 3 || insists) {
      this.log(`${signal} while stopping: exiting now`);
      process.exit(128 + constants.signals[signal]);
    }
    this.log(`${signal}: already stopping; another stop signal exits at once`);
  };

  constructor(
    private readonly close: () => Promise<void>,
    private readonly log: (line: string) => void = (line) => new Logger('Shutdown').warn(line),
    private readonly signals: readonly NodeJS.Signals[] = STOP_SIGNALS,
  ) {
    for (const signal of signals) process.on(signal, this.listener);
  }

  /** Closes the app for `signal` (the first stop signal); resolves once it is closed. */
  async begin(signal: NodeJS.Signals): Promise<void> {
    this.received = 1;
    this.first = signal;
    this.firstAt = Date.now();
    try {
      await this.close();
    } finally {
      this.closed = true;
    }
  }

  /** Hands the signals back to their default action. */
  dispose(): void {
    for (const signal of this.signals) process.removeListener(signal, this.listener);
  }
}
