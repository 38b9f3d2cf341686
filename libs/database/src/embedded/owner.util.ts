import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { isAlive, processStartTime } from './process.util';

const OWNER_FILE = 'owner.pid';
const TAKEOVER_PREFIX = '.owner.takeover.';
const CLAIM_ATTEMPTS = 5;

/** Claims this process holds or is making (a second claim in the same process is refused like any other). */
const held = new Set<string>();

/** The exclusive claim on an embedded Postgres folder, held from before anything is touched until stop. */
export interface OwnerLock {
  release(): Promise<void>;
  /** For `process.on('exit')`, where nothing asynchronous runs. */
  releaseSync(): void;
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
 * exclusively (written aside, then hard-linked: EEXIST if another claim exists). A live claim refuses with a
 * message naming its pid; a stale one is replaced (`takeOverStale`).
 */
export async function claimOwnership(baseDir: string): Promise<OwnerLock> {
  const file = join(baseDir, OWNER_FILE);
  const text = `${process.pid} ${processStartTime(process.pid) ?? '-'} ${nonce()}\n`;
  held.add(text); // live from now on for this process's other claims
  try {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
      if (!(await attemptClaim(baseDir, file, text))) continue;
      await removeTakeoverMarkers(baseDir);
      return ownerLock(file, text);
    }
  } catch (error) {
    held.delete(text);
    throw error;
  }
  held.delete(text);
  throw new Error(`Could not claim the embedded Postgres in ${baseDir}: its owner.pid keeps changing.`);
}

/** One try: true once `owner.pid` holds `text`, false to look again, a refusal if a live claim holds it. */
async function attemptClaim(baseDir: string, file: string, text: string): Promise<boolean> {
  const draft = join(baseDir, `.owner.${process.pid}.${nonce()}`);
  await writeFile(draft, text, { flag: 'wx', mode: 0o644 });
  try {
    if (await linkIfAbsent(draft, file)) return true;
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === undefined) return false;
    if (holderIsLive(current)) throw refusal(baseDir, current);
    return await takeOverStale(baseDir, file, current, draft);
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/**
 * Replaces the stale claim `stale` by the one in `draft`. Only the process that creates the takeover marker of
 * that claim (a hard link: EEXIST for every other racer) may replace it, with one rename, after checking that
 * `owner.pid` still holds it. A claim leaves `owner.pid` only through its holder's release or this
 * replacement, and never comes back (each carries a nonce), so that check cannot go stale before the rename.
 * A racer that finds the marker made by a live process refuses (that one is taking over); a marker whose maker
 * died before replacing hands the turn to the next generation of marker.
 */
async function takeOverStale(baseDir: string, file: string, stale: string, draft: string): Promise<boolean> {
  const prefix = `${TAKEOVER_PREFIX}${createHash('sha256').update(stale).digest('hex').slice(0, 32)}.`;
  let marker = '';
  for (let generation = 0; !marker; generation += 1) {
    const candidate = join(baseDir, `${prefix}${generation}`);
    if (await linkIfAbsent(draft, candidate)) marker = candidate;
    else {
      const maker = await readFile(candidate, 'utf8').catch(() => undefined);
      if (maker === undefined) return false; // that takeover ended meanwhile: look at owner.pid again
      if (holderIsLive(maker)) throw refusal(baseDir, maker);
    }
  }
  if ((await readFile(file, 'utf8').catch(() => undefined)) !== stale) {
    await unlink(marker).catch(() => undefined);
    return false;
  }
  await rename(draft, file);
  return true;
}

/**
 * Once `owner.pid` holds this process's claim, every takeover marker names a claim that is gone for good: a
 * racer that makes one again finds `owner.pid` changed and backs off.
 */
async function removeTakeoverMarkers(baseDir: string): Promise<void> {
  const names = await readdir(baseDir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(TAKEOVER_PREFIX))
      .map((name) => unlink(join(baseDir, name)).catch(() => undefined)),
  );
}

async function linkIfAbsent(existing: string, target: string): Promise<boolean> {
  try {
    await link(existing, target);
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  }
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
