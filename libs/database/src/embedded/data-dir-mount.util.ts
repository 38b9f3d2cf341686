import { readFile, lstat, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Why `dataDir` cannot be replaced by a rename: a volume is mounted there, or it is a symlink. */
export type PinnedDataDir = 'mount point' | 'symlink';

/** Mount points listed in /proc/self/mountinfo (field 5, octal escapes decoded); [] off Linux. */
async function mountPoints(): Promise<string[]> {
  const table = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return table
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => Boolean(point))
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    );
}

/**
 * Whether an existing `dataDir` is pinned in place: a symlink, or a mount point (another device than its
 * parent folder, or listed as a mount point: a bind mount keeps the device). A rename cannot replace either
 * (it would replace the link itself, or fail with EBUSY/EXDEV), so such a folder is initialised in place.
 * Undefined for a plain folder and when there is none.
 */
export async function pinnedDataDir(dataDir: string): Promise<PinnedDataDir | undefined> {
  const own = await lstat(dataDir).catch(() => undefined);
  if (!own) return undefined;
  if (own.isSymbolicLink()) return 'symlink';
  if (!own.isDirectory()) return undefined;
  const parent = await stat(dirname(resolve(dataDir)));
  if (parent.dev !== own.dev) return 'mount point';
  return (await mountPoints()).includes(resolve(dataDir)) ? 'mount point' : undefined;
}
