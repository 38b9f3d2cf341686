import { spawn } from 'node:child_process';
import { chown, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { type PostgresBinaries, type PostgresOsUser } from './postgres-binaries.util';

export interface InitdbInput {
  binaries: PostgresBinaries;
  /** Folder that holds `dataDir`; the password file for initdb lives in a private folder inside it. */
  baseDir: string;
  dataDir: string;
  password: string;
  user?: PostgresOsUser;
  log: (line: string) => void;
}

/**
 * Creates the cluster (superuser `postgres`, SCRAM-SHA-256). initdb reads the password from a file: it is
 * created exclusively with mode 0600, in a fresh 0700 folder (both owned by the account initdb runs as), and
 * removed when initdb ends, so no other OS user can read it at any moment.
 */
export async function initialiseCluster(input: InitdbInput): Promise<void> {
  const { user } = input;
  if (user) {
    await mkdir(input.dataDir, { recursive: true, mode: 0o700 });
    await chown(input.dataDir, user.uid, user.gid);
  }
  const privateDir = await mkdtemp(join(input.baseDir, '.initdb-'));
  try {
    if (user) await chown(privateDir, user.uid, user.gid);
    const pwfile = join(privateDir, 'pwfile');
    const handle = await open(pwfile, 'wx', 0o600);
    try {
      if (user) await handle.chown(user.uid, user.gid);
      await handle.writeFile(`${input.password}\n`);
    } finally {
      await handle.close();
    }
    await runInitdb(input, [
      `--pgdata=${input.dataDir}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${pwfile}`,
      '--lc-messages=C',
    ]);
  } finally {
    await rm(privateDir, { recursive: true, force: true });
  }
}

function runInitdb(input: InitdbInput, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(input.binaries.initdb, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // like the server: a Ctrl-C reaches the gateway, which decides
      ...(input.user ?? {}),
    });
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => input.log(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
      input.log(chunk.toString('utf8'));
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolveRun();
      else
        reject(
          new Error(`initdb failed (code ${code ?? 'null'}, signal ${signal ?? 'null'}): ${errors.trim()}`),
        );
    });
  });
}
