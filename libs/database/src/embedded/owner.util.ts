import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { isAlive } from './stale-postmaster.util';

const OWNER_FILE = 'owner.pid';
const CLAIM_ATTEMPTS = 5;

/** Lock contents this process holds (a second claim in the same process is refused like any other). */
const held = new Set<string>();

/** The exclusive claim on an embedded Postgres folder, held from before anything is touched until stop. */
export interface OwnerLock {
  release(): Promise<void>;
  /** For `process.on('exit')`, where nothing asynchronous runs. */
  releaseSync(): void;
}

/** When the kernel started `pid` (clock ticks since boot, /proc/<pid>/stat field 22); undefined off Linux. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock text names a process that still holds it. `<pid> <start time> <nonce>`; the start time
 * tells a reused pid from the owner. A lock of this pid that this process does not hold was left by an earlier
 * process that had the same pid (a container restarted). Files without a start time (older gateways) fall
 * back to "a live node process".
 */
function holderIsLive(text: string): boolean {
  const [pidText, startTime] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  if (pid === process.pid) return held.has(text);
  const actualStart = processStartTime(pid);
  if (startTime && actualStart) return startTime === actualStart;
  if (actualStart === undefined) return true;
  return readCmdline(pid).includes('node');
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function refusal(baseDir: string, text: string): Error {
  return new Error(
    `Another Toolgate process (pid ${text.trim().split(/\s+/)[0]}) is using the embedded Postgres in ${baseDir}. ` +
      'Stop it first, or give this one its own RUNTIME_DIR or a DATABASE_URL.',
  );
}

const nonce = () => randomBytes(8).toString('hex');
const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException)?.code === code;

/**
 * Claims `baseDir` for this process before anything in it is touched: `owner.pid` appears whole and
 * exclusively (written aside, then hard-linked: EEXIST if another claim exists). A claim whose process is
 * gone is stale: it is renamed aside (atomic, only one racer moves a given file) and, if what moved turns out
 * to be a live claim made meanwhile, put back. A live claim refuses with a message naming its pid.
 */
export async function claimOwnership(baseDir: string): Promise<OwnerLock> {
  const file = join(baseDir, OWNER_FILE);
  const text = `${process.pid} ${processStartTime(process.pid) ?? '-'} ${nonce()}\n`;
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
    const draft = join(baseDir, `.owner.${process.pid}.${nonce()}`);
    await writeFile(draft, text, { flag: 'wx', mode: 0o644 });
    try {
      await link(draft, file);
      held.add(text);
      return ownerLock(file, text);
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
    } finally {
      await unlink(draft).catch(() => undefined);
    }
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === undefined) continue;
    if (holderIsLive(current)) throw refusal(baseDir, current);
    await takeOverStale(baseDir, file, current);
  }
  throw new Error(`Could not claim the embedded Postgres in ${baseDir}: its owner.pid keeps changing.`);
}

/** Moves a stale claim out of the way; puts it back (and refuses) if it was a live one made meanwhile. */
async function takeOverStale(baseDir: string, file: string, stale: string): Promise<void> {
  const aside = join(baseDir, `.owner.stale.${process.pid}.${nonce()}`);
  try {
    await rename(file, aside);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => '');
  if (moved !== stale && holderIsLive(moved)) {
    await link(aside, file).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    throw refusal(baseDir, moved);
  }
  await unlink(aside).catch(() => undefined);
}

function ownerLock(file: string, text: string): OwnerLock {
  const stillOurs = (current: string | undefined) => held.has(text) && current === text;
  return {
    async release() {
      const current = await readFile(file, 'utf8').catch(() => undefined);
      if (stillOurs(current)) await unlink(file).catch(() => undefined);
      held.delete(text);
    },
    releaseSync() {
      let current: string | undefined;
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        current = undefined;
      }
      if (stillOurs(current)) {
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      }
      held.delete(text);
    },
  };
}
