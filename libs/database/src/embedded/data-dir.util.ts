import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** `missing`: nothing there yet (no folder, or an empty one), to initialise; `cluster`: one to start. */
export type DataDirState = 'missing' | 'cluster';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

const shellQuote = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;

/**
 * What `dataDir` holds. A cluster only appears there once its initialisation completed (`initdb.util.ts`),
 * so anything else was left by an older gateway or by someone else, and is refused: never modified or removed
 * here. Older gateways ran initdb in place; what an interrupted one left is recognised only when it certainly
 * holds no data (and so is one a start interrupted while it initialised a `pinned` folder, a mount point or
 * symlink, in place): no server ever ran on it (no `postmaster.opts`, which every postmaster writes at start) and
 * initdb did not reach its last step (creating the `postgres` database, `base/5`). The refusal then gives the
 * command that removes it (that empties it, when `pinned`: the mount point or link itself stays).
 */
export async function inspectDataDir(dataDir: string, pinned = false): Promise<DataDirState> {
  const entries = await readdir(dataDir).catch((error: NodeJS.ErrnoException): string[] => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length === 0) return 'missing';
  if (!entries.includes('PG_VERSION'))
    throw new Error(
      `Embedded Postgres cannot start: ${dataDir} is not empty but holds no Postgres cluster (no PG_VERSION). ` +
        'Move it away, or set RUNTIME_DIR to another folder.',
    );
  if (entries.includes('postmaster.opts') || (await exists(join(dataDir, 'base', '5')))) return 'cluster';
  const clear = pinned
    ? `Empty it, then start again: find ${shellQuote(`${dataDir}/`)} -mindepth 1 -delete`
    : `Remove it, then start again: rm -rf ${shellQuote(dataDir)}`;
  throw new Error(
    `Embedded Postgres cannot start: ${dataDir} is a cluster whose initialisation was interrupted (initdb did ` +
      `not finish and no server ever ran on it, so it holds no data). ${clear}`,
  );
}
