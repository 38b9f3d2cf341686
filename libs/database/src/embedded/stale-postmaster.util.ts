import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { isAlive } from './process.util';

/**
 * A gateway killed with SIGKILL leaves its embedded postmaster running. When `postmaster.pid` names a live
 * postgres process serving exactly this data directory, it is ours: stop it (fast shutdown) before starting
 * again. Any other process, including a reused pid, is left alone; postgres itself clears stale pid files.
 */
export async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  const pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(pidFile.split('\n')[0]);
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

export async function stopStalePostmaster(dataDir: string, timeoutMs = 15_000): Promise<boolean> {
  const pid = await readPostmasterPid(dataDir);
  if (!pid || !isAlive(pid)) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const args = cmdline.split('\0');
  const dirIndex = args.indexOf('-D');
  const isOurs =
    /postgres$/.test(args[0] ?? '') &&
    dirIndex >= 0 &&
    resolve(args[dirIndex + 1] ?? '') === resolve(dataDir);
  if (!isOurs) return false;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  if (isAlive(pid))
    throw new Error(`A stale embedded Postgres (pid ${pid}) on ${dataDir} did not stop in time.`);
  return true;
}
