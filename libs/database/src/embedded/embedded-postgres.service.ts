import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { pinnedDataDir } from './data-dir-mount.util';
import { inspectDataDir } from './data-dir.util';
import { initialiseCluster } from './initdb.util';
import { removeInterruptedInits } from './interrupted-init.util';
import { claimOwnership, type OwnerLock } from './owner.util';
import { assertPortFree, findFreePort } from './port.util';
import { findPostgresBinaries, postgresOsUser } from './postgres-binaries.util';
import { Postmaster } from './postmaster.util';
import { stopStalePostmaster } from './stale-postmaster.util';

export interface EmbeddedPostgresOptions {
  /** Folder holding `data/` and the generated credentials. */
  baseDir: string;
  /** 0 picks a free port. */
  port: number;
  database: string;
  log?: (line: string) => void;
  /** How long `stop()` waits for a fast shutdown before stopping the server harder (15 s). */
  stopTimeoutMs?: number;
}

const LOG_TAIL_LINES = 15;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Starts and stops a Postgres server owned by this process, with data under `baseDir/data`. Ownership of
 * `baseDir` (`owner.pid`, exclusive) is claimed before anything else and held until `stop()`, or until the
 * server is gone when the process exits without it.
 */
export class EmbeddedPostgres {
  private postmaster?: Postmaster;
  private lock?: OwnerLock;
  private logTail: string[] = [];
  private startedPort = 0;
  private password = '';
  private exitHandler?: () => void;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  get dataDir(): string {
    return resolve(this.options.baseDir, 'data');
  }

  get port(): number {
    return this.startedPort;
  }

  /** Connection URL for a database on this server (the configured one by default). */
  url(database = this.options.database): string {
    return `postgres://postgres:${encodeURIComponent(this.password)}@127.0.0.1:${this.startedPort}/${database}`;
  }

  async start(): Promise<string> {
    const baseDir = resolve(this.options.baseDir);
    await mkdir(baseDir, { recursive: true });
    await chmod(baseDir, 0o755); // the postgres OS user must be able to enter it
    // First, so no other gateway can take this server for a stale one while it starts.
    const lock = await claimOwnership(baseDir);
    this.lock = lock;
    const initdb = new AbortController();
    // Last resort for exits that skip the graceful path (process.exit after a failed boot, a second Ctrl-C):
    // no initdb left running, and the folder is given up only once the server is gone (bounded like stop()),
    // so an immediate restart never meets the old server still shutting down.
    this.exitHandler = () => {
      initdb.abort();
      this.postmaster?.stopSync(this.stopTimeoutMs);
      lock.releaseSync();
    };
    process.once('exit', this.exitHandler);
    try {
      await this.launch(baseDir, initdb.signal);
      await this.ensureDatabase(this.options.database);
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
    return this.url();
  }

  /**
   * Stops the server (bounded: see `Postmaster.stop`; at once if it already died) and always gives up the
   * ownership of `baseDir`.
   */
  async stop(): Promise<void> {
    const { postmaster, lock, exitHandler } = this;
    this.lock = undefined;
    this.exitHandler = undefined;
    try {
      await postmaster?.stop(this.stopTimeoutMs);
    } finally {
      // The exit handler stays until the server is gone: an exit meanwhile still waits for it.
      if (this.postmaster === postmaster) this.postmaster = undefined;
      if (exitHandler) process.removeListener('exit', exitHandler);
      await lock?.release();
    }
  }

  /** Creates a database on this server if it does not exist yet. */
  async ensureDatabase(name: string): Promise<void> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid database name: ${name}`);
    const { Client } = await import('pg');
    const client = new Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
  }

  private get stopTimeoutMs(): number {
    return this.options.stopTimeoutMs ?? STOP_TIMEOUT_MS;
  }

  private async launch(baseDir: string, initdbSignal: AbortSignal): Promise<void> {
    const log = (text: string) => this.remember(text);
    await stopStalePostmaster(this.dataDir);
    await removeInterruptedInits(baseDir, log);
    const pinned = await pinnedDataDir(this.dataDir);
    const state = await inspectDataDir(this.dataDir, pinned !== undefined);
    const port = this.options.port || (await findFreePort());
    await assertPortFree(port);
    this.password = await this.loadOrCreatePassword(baseDir);
    const binaries = await findPostgresBinaries();
    const user = await postgresOsUser();
    if (state === 'missing') {
      if (pinned) log(`${this.dataDir} is a ${pinned}: initialising the cluster in place (not atomically)`);
      await initialiseCluster({
        binaries,
        baseDir,
        dataDir: this.dataDir,
        password: this.password,
        user,
        log,
        signal: initdbSignal,
        inPlace: pinned !== undefined,
      });
    }
    try {
      // Known before it is ready: an exit while it starts stops it too.
      this.postmaster = new Postmaster({
        binaries,
        dataDir: this.dataDir,
        port,
        user,
        log,
        flags: [
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          'max_connections=200',
        ],
      });
      await this.postmaster.ready;
    } catch (error) {
      throw new Error(
        `Embedded Postgres failed to start on port ${port}: ${(error as Error).message}.\n` +
          this.logTail.join('\n'),
        { cause: error },
      );
    }
    this.startedPort = port;
  }

  private remember(message: string): void {
    for (const line of message.split('\n').filter(Boolean)) {
      this.logTail.push(line);
      this.options.log?.(line);
    }
    this.logTail = this.logTail.slice(-LOG_TAIL_LINES);
  }

  private async loadOrCreatePassword(baseDir: string): Promise<string> {
    const file = join(baseDir, 'postgres-password');
    const existing = await readFile(file, 'utf8').catch(() => '');
    if (existing.trim()) return existing.trim();
    await rm(file, { force: true }); // an empty file may have any mode: the password goes into a new one
    const created = randomBytes(24).toString('base64url');
    await writeFile(file, created, { mode: 0o600, flag: 'wx' });
    return created;
  }
}
