import { type ChildProcess, spawn } from 'node:child_process';

import { type PostgresBinaries, type PostgresOsUser } from './postgres-binaries.util';

const READY = 'database system is ready to accept connections';
/** After SIGQUIT (immediate shutdown), and again after SIGKILL, this long at most. */
const ESCALATION_WAIT_MS = 2_000;

export interface PostmasterInput {
  binaries: PostgresBinaries;
  dataDir: string;
  port: number;
  flags: string[];
  user?: PostgresOsUser;
  log: (text: string) => void;
}

const settle = (exited: Promise<void>, ms: number): Promise<boolean> =>
  new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    void exited.then(() => {
      clearTimeout(timer);
      done(true);
    });
  });

/** A postgres server process this one spawned; it knows when it exits, whenever that happens. */
export class Postmaster {
  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  /** Spawns `postgres -D <dataDir>` and resolves once it accepts connections; rejects if it exits first. */
  static start(input: PostmasterInput): Promise<Postmaster> {
    const child = spawn(
      input.binaries.postgres,
      ['-D', input.dataDir, '-p', String(input.port), ...input.flags, '-c', 'lc_messages=C'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        // Its own process group: a terminal's Ctrl-C (sent to the whole foreground group) reaches the gateway
        // only, which drains its audit queue before it stops the server.
        detached: true,
        ...(input.user ?? {}),
      },
    );
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    return new Promise((resolveStart, reject) => {
      let ready = false;
      let recent = '';
      // Read stderr for the server's whole life: a full pipe would block its logging.
      child.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        input.log(text);
        if (ready) return;
        recent = (recent + text).slice(-2 * READY.length);
        if (!recent.includes(READY)) return;
        ready = true;
        resolveStart(new Postmaster(child, exited));
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (!ready) reject(new Error(`postgres exited (code ${code ?? 'null'}, signal ${signal ?? 'null'})`));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Best effort, synchronous (for `process.on('exit')`). */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      this.child.kill(signal);
    } catch {
      /* already gone */
    }
  }

  /**
   * Fast shutdown (SIGINT), bounded: after `timeoutMs` immediate shutdown (SIGQUIT), then SIGKILL. Returns at
   * once when the server already exited (killed, out of memory). Rejects only if even SIGKILL did not end it.
   */
  async stop(timeoutMs: number): Promise<void> {
    const steps: [NodeJS.Signals, number][] = [
      ['SIGINT', timeoutMs],
      ['SIGQUIT', ESCALATION_WAIT_MS],
      ['SIGKILL', ESCALATION_WAIT_MS],
    ];
    for (const [signal, waitMs] of steps) {
      if (!this.running) return;
      this.signal(signal);
      if (await settle(this.exited, waitMs)) return;
    }
    if (this.running)
      throw new Error(`Embedded Postgres (pid ${this.pid}) did not stop, even after SIGKILL.`);
  }
}
