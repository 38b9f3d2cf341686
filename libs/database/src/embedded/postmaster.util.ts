import { type ChildProcess, spawn } from 'node:child_process';

import { type PostgresBinaries, type PostgresOsUser } from './postgres-binaries.util';
import { canTellZombies, childrenOf, isAlive, sleepSync } from './process.util';

const READY = 'database system is ready to accept connections';
/** After SIGQUIT (immediate shutdown), and again after SIGKILL, this long at most. */
const ESCALATION_WAIT_MS = 2_000;
const POLL_MS = 10;

/** Fast shutdown, then immediate shutdown, then SIGKILL: each signal, and how long to wait after it. */
const stopSteps = (timeoutMs: number): [NodeJS.Signals, number][] => [
  ['SIGINT', timeoutMs],
  ['SIGQUIT', ESCALATION_WAIT_MS],
  ['SIGKILL', ESCALATION_WAIT_MS],
];

export interface PostmasterInput {
  binaries: PostgresBinaries;
  dataDir: string;
  port: number;
  flags: string[];
  user?: PostgresOsUser;
  log: (text: string) => void;
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

const settle = (exited: Promise<void>, ms: number): Promise<boolean> =>
  new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    void exited.then(() => {
      clearTimeout(timer);
      done(true);
    });
  });

/**
 * A postgres server process this one spawns; it knows when it exits, whenever that happens, and can be stopped
 * from the moment it is spawned (also while it starts).
 */
export class Postmaster {
  /** Resolves once the server accepts connections; rejects if it exits first. */
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  /** Spawns `postgres -D <dataDir>`. */
  constructor(input: PostmasterInput) {
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
    this.child = child;
    this.exited = new Promise<void>((done) => child.once('exit', () => done()));
    this.ready = new Promise((resolveReady, reject) => {
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
        resolveReady();
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

  /** False once it exited, and when it could not be spawned at all. */
  get running(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Best effort, synchronous (for `process.on('exit')`). SIGKILL goes to the server's backends first (each
   * leads its own process group): a backend busy computing does not notice its postmaster die, and would keep
   * the cluster's shared memory, refusing the next start.
   */
  signal(signal: NodeJS.Signals): void {
    const { pid } = this.child;
    if (!pid || !this.running) return;
    if (signal === 'SIGKILL') for (const backend of childrenOf(pid)) killQuietly(backend, signal);
    killQuietly(pid, signal);
  }

  /**
   * Fast shutdown (SIGINT), bounded: after `timeoutMs` immediate shutdown (SIGQUIT), then SIGKILL. Returns at
   * once when the server already exited (killed, out of memory). Rejects only if even SIGKILL did not end it.
   */
  async stop(timeoutMs: number): Promise<void> {
    for (const [signal, waitMs] of stopSteps(timeoutMs)) {
      if (!this.running) return;
      this.signal(signal);
      if (await settle(this.exited, waitMs)) return;
    }
    if (this.running)
      throw new Error(`Embedded Postgres (pid ${this.pid}) did not stop, even after SIGKILL.`);
  }

  /**
   * `stop` for `process.on('exit')`, where nothing asynchronous runs: the same signals and bounds, watching the
   * process itself (exited, it is a zombie until this process ends). Returns once the server is gone, so the
   * caller may give up the folder. Where zombies cannot be told apart (off Linux), it only asks for the fast
   * shutdown; the next start then waits for that server (`stopStalePostmaster`).
   */
  stopSync(timeoutMs: number): void {
    const { pid } = this.child;
    if (!pid || !this.running) return;
    if (!canTellZombies()) return this.signal('SIGINT');
    for (const [signal, waitMs] of stopSteps(timeoutMs)) {
      if (!isAlive(pid)) return;
      this.signal(signal);
      const deadline = Date.now() + waitMs;
      while (isAlive(pid) && Date.now() < deadline) sleepSync(POLL_MS);
    }
  }
}
