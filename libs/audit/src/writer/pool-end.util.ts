import { type Pool } from 'pg';

type EndCallback = (error?: Error) => void;

/**
 * Makes `pool.end()` run `before()` first (its failure does not stop the end), whoever ends the pool:
 * TypeORM when the data source is destroyed, the embedded database before it stops its server. Work that
 * must reach the database at shutdown then runs while the pool is still open, whichever shutdown hook
 * happens to close it first.
 */
export function runBeforePoolEnds(pool: Pool, before: () => Promise<void>): void {
  const end = pool.end.bind(pool) as () => Promise<void>;
  const endAfter = (callback?: EndCallback): Promise<void> | undefined => {
    const ended = before()
      .catch(() => undefined)
      .then(() => end());
    if (!callback) return ended;
    ended.then(
      () => callback(),
      (error: Error) => callback(error),
    );
    return undefined;
  };
  pool.end = endAfter as Pool['end'];
}
