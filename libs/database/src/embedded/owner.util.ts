import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { isAlive } from './stale-postmaster.util';

const OWNER_FILE = 'owner.pid';

/**
 * Refuses to touch an embedded server whose owning gateway is still running: only a server left behind by a
 * dead owner (SIGKILL) counts as stale.
 */
export async function assertNoLiveOwner(baseDir: string): Promise<void> {
  const owner = Number((await readFile(join(baseDir, OWNER_FILE), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(owner) || owner <= 1 || owner === process.pid || !isAlive(owner)) return;
  const cmdline = await readFile(`/proc/${owner}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('node')) return;
  throw new Error(
    `Another Toolgate process (pid ${owner}) is using the embedded Postgres in ${baseDir}. ` +
      'Stop it first, or give this one its own RUNTIME_DIR or a DATABASE_URL.',
  );
}

export async function claimOwnership(baseDir: string): Promise<void> {
  await writeFile(join(baseDir, OWNER_FILE), String(process.pid), { mode: 0o644 });
}

export async function releaseOwnership(baseDir: string): Promise<void> {
  await rm(join(baseDir, OWNER_FILE), { force: true });
}
