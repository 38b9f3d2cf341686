import { spawn } from 'node:child_process';
import { chown, mkdtemp, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { type PostgresBinaries, type PostgresOsUser } from './postgres-binaries.util';

/** The folder beside the data directory in which a cluster is built (`baseDir/.initdb-XXXXXX`). */
const STAGING_PREFIX = '.initdb-';

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
}

/**
 * Creates the cluster (superuser `postgres`, SCRAM-SHA-256) at `dataDir`, atomically: initdb builds it in a
 * fresh folder beside `dataDir`, which is renamed into place only once complete. An initialisation cut short
 * (Ctrl-C, OOM, power loss) leaves no `dataDir`, only that folder, which the next start removes
 * (`removeInterruptedInits`). The folder is private (0700, owned by the account initdb runs as): initdb reads
 * the password from a file in it, created exclusively with mode 0600 and removed as soon as initdb ends, so no
 * other OS user can read it at any moment.
 */
export async function initialiseCluster(input: InitdbInput): Promise<void> {
  const { user } = input;
  const staging = await mkdtemp(join(input.baseDir, STAGING_PREFIX));
  try {
    if (user) await chown(staging, user.uid, user.gid);
    const pwfile = join(staging, 'pwfile');
    const cluster = join(staging, 'data');
    await writePasswordFile(pwfile, input);
    try {
      await runInitdb(input, [
        `--pgdata=${cluster}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--lc-messages=C',
      ]);
    } finally {
      await rm(pwfile, { force: true });
    }
    // initdb synced the cluster's files before it exited; the rename is the moment it exists.
    await rename(cluster, input.dataDir);
    await syncFolder(input.baseDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Removes the folders of initialisations that never finished (the gateway was killed meanwhile). Runs while
 * this process owns `baseDir`, so none of them is in use. Never touches `dataDir`.
 */
export async function removeInterruptedInits(baseDir: string, log: (line: string) => void): Promise<void> {
  for (const name of await readdir(baseDir)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const path = join(baseDir, name);
    log(`Removing ${path}, left by an initialisation that did not finish`);
    await rm(path, { recursive: true, force: true, maxRetries: 3 }).catch((error: Error) =>
      log(`Could not remove ${path}: ${error.message}`),
    );
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

function runInitdb(input: InitdbInput, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(input.binaries.initdb, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // like the server: a Ctrl-C reaches the gateway, which decides
      ...(input.user ?? {}),
    });
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
