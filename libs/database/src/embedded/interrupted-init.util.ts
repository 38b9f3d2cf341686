import { writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { isAlive, processStartTime } from './process.util';

/** The folder in which a cluster is built (`baseDir/.initdb-XXXXXX`). */
export const STAGING_PREFIX = '.initdb-';
/** In the staging folder: initdb's pid and start time, written as soon as it is spawned. */
const INITDB_RECORD = 'initdb.pid';
const KILL_WAIT_MS = 5_000;
const POLL_MS = 20;

/** Records the initdb building in `staging` (`<pid> <start time>`), so a later start can tell it apart. */
export function recordInitdb(staging: string, pid: number): void {
  writeFileSync(join(staging, INITDB_RECORD), `${pid} ${processStartTime(pid) ?? '-'}\n`, { mode: 0o600 });
}

/**
 * SIGKILLs the initdb recorded in `staging` and its process group (the bootstrap backend), when it still runs:
 * a gateway killed with SIGKILL (OOM) leaves it running detached. Only a live process with exactly the recorded
 * pid **and** start time is that initdb; a reused pid, or a record without a start time (off Linux), is left
 * alone. Returns once it is gone (bounded).
 */
async function stopOrphanedInitdb(staging: string, log: (line: string) => void): Promise<void> {
  const record = await readFile(join(staging, INITDB_RECORD), 'utf8').catch(() => '');
  const [pidText, startTime] = record.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 1 || !startTime || startTime === '-') return;
  if (!isAlive(pid) || processStartTime(pid) !== startTime) return;
  log(`Stopping initdb (pid ${pid}), left running by an initialisation that did not finish`);
  try {
    process.kill(-pid, 'SIGKILL'); // its own process group (detached): the bootstrap backend goes too
  } catch {
    return; // ended meanwhile
  }
  const deadline = Date.now() + KILL_WAIT_MS;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, POLL_MS));
}

/**
 * Removes the folders of initialisations that never finished (the gateway was killed meanwhile), after
 * stopping the initdb still building in one. Runs while this process owns `baseDir`, so no live gateway uses
 * any of them. Never touches `dataDir`.
 */
export async function removeInterruptedInits(baseDir: string, log: (line: string) => void): Promise<void> {
  for (const name of await readdir(baseDir)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const path = join(baseDir, name);
    await stopOrphanedInitdb(path, log);
    log(`Removing ${path}, left by an initialisation that did not finish`);
    await rm(path, { recursive: true, force: true, maxRetries: 3 }).catch((error: Error) =>
      log(`Could not remove ${path}: ${error.message}`),
    );
  }
}
