import { spawn } from 'node:child_process';
import { chown, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { recordInitdb, STAGING_PREFIX } from './interrupted-init.util';
import { type PostgresBinaries, type PostgresOsUser } from './postgres-binaries.util';

export interface InitdbInput {
  binaries: PostgresBinaries;
  /** Folder that holds `dataDir`; the cluster is built in a private folder inside it. */
  baseDir: string;
  dataDir: string;
  password: string;
  user?: PostgresOsUser;
  log: (line: string) => void;
  /** Aborting it kills initdb and everything it started at once (for `process.on('exit')`). */
  signal?: AbortSignal;
  /**
   * initdb writes straight into `dataDir` (an empty mount point or symlink, which a rename cannot replace):
   * not atomic, an interruption leaves a half-built cluster there (see `inspectDataDir`).
   */
  inPlace?: boolean;
}

/**
 * Creates the cluster (superuser `postgres`, SCRAM-SHA-256) at `dataDir`, atomically: initdb builds it in a
 * fresh folder beside `dataDir`, which is renamed into place only once complete. An initialisation cut short
 * (Ctrl-C, OOM, power loss) leaves no `dataDir`, only that folder, which the next start removes
 * (`removeInterruptedInits`, which first kills an initdb still running there, recorded with its start time). When
 * `inPlace`, initdb writes into `dataDir` itself and only the password file is staged. The folder is private (0700, owned by the account initdb runs as): initdb reads
 * the password from a file in it, created exclusively with mode 0600 and removed as soon as initdb ends, so no
 * other OS user can read it at any moment.
 */
export async function initialiseCluster(input: InitdbInput): Promise<void> {
  const { user } = input;
  const staging = await mkdtemp(join(input.baseDir, STAGING_PREFIX));
  try {
    if (user) await chown(staging, user.uid, user.gid);
    const pwfile = join(staging, 'pwfile');
    const cluster = input.inPlace ? input.dataDir : join(staging, 'data');
    // initdb as the postgres OS user sets the folder's mode: it must own an existing one.
    if (input.inPlace && user) await chown(cluster, user.uid, user.gid);
    await writePasswordFile(pwfile, input);
    try {
      await runInitdb(input, staging, [
        `--pgdata=${cluster}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--lc-messages=C',
      ]);
    } finally {
      await rm(pwfile, { force: true });
    }
    if (!input.inPlace) {
      // initdb synced the cluster's files before it exited; the rename is the moment it exists.
      await rename(cluster, input.dataDir);
      await syncFolder(input.baseDir);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function writePasswordFile(pwfile: string, input: InitdbInput): Promise<void> {
  const handle = await open(pwfile, 'wx', 0o600);
  try {
    if (input.user) await handle.chown(input.user.uid, input.user.gid);
    await handle.writeFile(`${input.password}\n`);
  } finally {
    await handle.close();
  }
}

/** Makes the rename durable (best effort: not every platform syncs a folder). */
async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  await handle
    .sync()
    .catch(() => undefined)
    .finally(() => handle.close());
}

function runInitdb(input: InitdbInput, staging: string, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(input.binaries.initdb, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // like the server: a Ctrl-C reaches the gateway, which decides
      ...(input.user ?? {}),
    });
    // Recorded at once: a gateway killed now (OOM) leaves it running; the next start stops it.
    try {
      if (child.pid) recordInitdb(staging, child.pid);
    } catch (error) {
      input.log(`Could not record initdb's pid: ${(error as Error).message}`);
    }
    // Its own process group (detached): the bootstrap backend it runs goes with it.
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    input.signal?.addEventListener('abort', kill, { once: true });
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => input.log(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
      input.log(chunk.toString('utf8'));
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      input.signal?.removeEventListener('abort', kill);
      if (code === 0) resolveRun();
      else
        reject(
          new Error(`initdb failed (code ${code ?? 'null'}, signal ${signal ?? 'null'}): ${errors.trim()}`),
        );
    });
  });
}
