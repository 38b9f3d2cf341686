import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  type Dirent,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { Client } from 'pg';

/**
 * The embedded Postgres as the gateway runs it: each server is started by a child process
 * (test/support/embedded-starter.ts), which the tests stop, race against another, or watch from outside.
 */
const ROOT = resolve(__dirname, '../../../..');
const dirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
/** Bind mounts a test made (unmounted before its folders are removed). */
const mounts: string[] = [];

interface Line {
  event: string;
  port?: number;
  postmaster?: number;
  message?: string;
  ms?: number;
}

interface Starter {
  /** The first line it prints: `started` or `refused`. */
  outcome: Promise<Line>;
  /** Asks it to stop: its `stopped` line, or `still waiting` after `ms`. */
  stop(ms?: number): Promise<Line>;
  /** Makes it call process.exit() (a second Ctrl-C), at any moment; resolves once it has exited. */
  exit(): Promise<void>;
  /** SIGKILLs it (OOM, power loss); resolves once it has exited. */
  kill(): Promise<void>;
}

function starter(baseDir: string, options: { stopTimeoutMs?: number; waitFor?: string; env?: object } = {}) {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'test/support/ts-child.cjs'),
      join(ROOT, 'test/support/embedded-starter.ts'),
      baseDir,
      String(options.stopTimeoutMs ?? 0),
      ...(options.waitFor ? [options.waitFor] : []),
    ],
    { env: { ...process.env, ...options.env } },
  );
  children.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const next = async (): Promise<Line> => {
    const line = await lines.next();
    if (line.done) throw new Error(`the starter exited without a word: ${errors}`);
    return JSON.parse(String(line.value)) as Line;
  };
  const outcome = next();
  outcome.catch(() => undefined); // a starter killed before its first line: only the tests that wait care
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const result: Starter = {
    outcome,
    exit: () => {
      child.stdin.write('exit\n');
      return exited;
    },
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
    stop: async (ms = 20_000) => {
      if ((await outcome).event !== 'started') return { event: 'refused' };
      child.stdin.write('stop\n');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<Line>((done) => {
        timer = setTimeout(() => done({ event: 'still waiting' }), ms);
      });
      return Promise.race([next(), timeout]).finally(() => clearTimeout(timer));
    },
  };
  return result;
}

async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  dirs.push(dir);
  return dir;
}

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Alive and not a zombie (exited, waiting for its parent to reap it). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false; // reaped
  }
}

/** The running initdb processes building a cluster under `baseDir` (a test's own folder). */
function initdbPids(baseDir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return (
          args[0].endsWith('/initdb') &&
          args.some((arg) => arg.startsWith(`--pgdata=${baseDir}/`)) &&
          running(pid)
        );
      } catch {
        return false;
      }
    });
}

/** SIGKILLs the initdb under `baseDir` and everything it started (its own process group). */
function killInitdb(baseDir: string): void {
  for (const pid of initdbPids(baseDir)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* ended meanwhile */
    }
  }
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 5));
  return condition();
}

/** The cluster initdb is building under `baseDir`, once it is half-way (bootstrap wrote `global/pg_control`). */
async function halfBuiltCluster(baseDir: string): Promise<string> {
  const candidates = () => [
    join(baseDir, 'data'),
    ...readdirSync(baseDir)
      .filter((name) => name.startsWith('.initdb-'))
      .map((name) => join(baseDir, name, 'data')),
  ];
  const found = () => candidates().find((dir) => existsSync(join(dir, 'global/pg_control')));
  if (!(await until(() => found() !== undefined, 60_000))) throw new Error('initdb never got half-way');
  return found()!;
}

/** Names and sizes of every file under `dir`. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map(
      (entry) => `${join(entry.parentPath, entry.name)} ${statSync(join(entry.parentPath, entry.name)).size}`,
    )
    .sort();
}

/** SIGKILLs the postmaster serving exactly `dataDir`, if one is left (a test that failed half-way). */
function killLeftover(dataDir: string): void {
  if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
  const pid = postmasterPid(dataDir);
  const cmdline = alive(pid) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') : [];
  if (cmdline[cmdline.indexOf('-D') + 1] === dataDir) process.kill(pid, 'SIGKILL');
}

async function waitUntilDead(pid: number): Promise<void> {
  while (alive(pid)) await new Promise((done) => setTimeout(done, 20));
}

/** A new start on `baseDir` starts and answers a query; it is stopped again. */
async function expectRestartServes(baseDir: string): Promise<void> {
  const again = starter(baseDir);
  const restarted = await again.outcome;
  try {
    expect(restarted).toMatchObject({ event: 'started' });
    expect(await selectOne(baseDir, restarted.port!)).toBe(1);
  } finally {
    await again.stop();
  }
}

/** A connection whose backend is busy computing (it never waits, so it does not notice its postmaster die). */
async function busyBackend(baseDir: string, port: number): Promise<{ client: Client; pid: number }> {
  const password = readFileSync(join(baseDir, 'postgres-password'), 'utf8').trim();
  const client = new Client({
    connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/toolgate`,
  });
  client.on('error', () => undefined); // its server is killed under it
  await client.connect();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  void client.query('SELECT count(*) FROM generate_series(1, 10000000000)').catch(() => undefined);
  return { client, pid };
}

async function selectOne(baseDir: string, port: number): Promise<number> {
  const password = readFileSync(join(baseDir, 'postgres-password'), 'utf8').trim();
  const client = new Client({
    connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/toolgate`,
  });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0].one;
  } finally {
    await client.end();
  }
}

/** Files under `roots` (not the cluster's data folder) that hold `secret` and that other users may read. */
function exposedCopies(roots: string[], secret: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'data') walk(path);
      if (!entry.isFile()) continue;
      try {
        const { mode, size } = statSync(path);
        if ((mode & 0o077) !== 0 && size < 65_536 && readFileSync(path, 'utf8').includes(secret))
          found.push(`${path} (mode ${(mode & 0o777).toString(8)})`);
      } catch {
        /* gone between readdir and read */
      }
    }
  };
  for (const root of roots) walk(root);
  return found;
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const mount of mounts) {
    killLeftover(mount);
    spawnSync('umount', [mount]);
  }
  for (const dir of dirs) {
    killInitdb(dir);
    killLeftover(join(dir, 'data'));
    await rm(dir, { recursive: true, force: true });
  }
});

describe('EmbeddedPostgres (integration)', () => {
  it('never puts the superuser password in a file other users can read, not even while initdb runs', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const temp = await scratchDir('toolgate-embedded-tmp-');
    const password = `pw-${randomBytes(18).toString('hex')}`;
    writeFileSync(join(baseDir, 'postgres-password'), password, { mode: 0o600 });
    const exposed = new Set<string>();
    const watcher = setInterval(() => {
      for (const copy of exposedCopies([temp, baseDir], password)) exposed.add(copy);
    }, 2);
    // The starter's os.tmpdir() is `temp`: a copy written to the system temp folder lands there.
    const server = starter(baseDir, { env: { TMPDIR: temp } });
    try {
      const started = await server.outcome;
      clearInterval(watcher);
      expect([...exposed]).toEqual([]);
      expect(started.event).toBe('started');
      expect(await selectOne(baseDir, started.port!)).toBe(1); // initdb did take that password
    } finally {
      clearInterval(watcher);
      await server.stop();
    }
  });

  it("runs the server in its own process group: a terminal's Ctrl-C reaches the gateway, not Postgres", async () => {
    const server = starter(await scratchDir('toolgate-embedded-'));
    const { postmaster } = await server.outcome;
    // Field 5 of /proc/<pid>/stat (after the parenthesised name) is the process group.
    const stat = readFileSync(`/proc/${postmaster}/stat`, 'utf8');
    const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    expect(group).toBe(postmaster);
    expect(await server.stop()).toMatchObject({ event: 'stopped' });
  });

  it('stop() returns at once and gives up ownership when the postmaster was already killed', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const server = starter(baseDir);
    const { postmaster } = await server.outcome;
    process.kill(postmaster!, 'SIGKILL'); // as the OOM killer would
    await waitUntilDead(postmaster!);

    expect(await server.stop(5_000)).toMatchObject({ event: 'stopped' });
    expect(existsSync(join(baseDir, 'owner.pid'))).toBe(false);
    // The folder is free again: the next start recovers the cluster.
    const again = starter(baseDir);
    const restarted = await again.outcome;
    expect(restarted.event).toBe('started');
    expect(await selectOne(baseDir, restarted.port!)).toBe(1);
    expect(await again.stop()).toMatchObject({ event: 'stopped' });
  });

  it('stop() is bounded: a postmaster that ignores the fast shutdown is stopped harder', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const server = starter(baseDir, { stopTimeoutMs: 300 });
    const { postmaster, port } = await server.outcome;
    // A backend busy with a long query: a SIGKILL of the postmaster alone would leave it running, holding
    // the cluster's shared memory, and a restart would be refused.
    const busy = await busyBackend(baseDir, port!);
    process.kill(postmaster!, 'SIGSTOP'); // SIGINT stays pending: a hung server

    expect(await server.stop(8_000)).toMatchObject({ event: 'stopped' });
    expect(alive(postmaster!)).toBe(false);
    expect(await until(() => !running(busy.pid), 1_000)).toBe(true);
    expect(existsSync(join(baseDir, 'owner.pid'))).toBe(false);
    await busy.client.end().catch(() => undefined);
    await expectRestartServes(baseDir);
  });
});

describe('EmbeddedPostgres initialisation (integration)', () => {
  it('a first start killed while initdb runs leaves no data folder, and the next start stops that initdb and initialises', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const first = starter(baseDir);
    await halfBuiltCluster(baseDir);
    await first.kill(); // out of memory: initdb keeps running, detached
    const orphans = initdbPids(baseDir);
    expect(orphans).toHaveLength(1);
    // Held still (a slow disk), so it is still there when the next start begins.
    for (const pid of orphans) process.kill(-pid, 'SIGSTOP');
    const leftData = existsSync(join(baseDir, 'data'));

    const again = starter(baseDir);
    const restarted = await again.outcome;
    try {
      expect(restarted).toMatchObject({ event: 'started' });
      expect(leftData).toBe(false);
      expect(orphans.filter(running)).toEqual([]);
      expect(await selectOne(baseDir, restarted.port!)).toBe(1);
      // What the interrupted initialisation left beside the data folder is gone.
      expect(readdirSync(baseDir).filter((name) => name.startsWith('.initdb-'))).toEqual([]);
    } finally {
      await again.stop();
    }
  });

  it('an exit while initdb runs (a second Ctrl-C) ends initdb too, and the next start initialises', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const first = starter(baseDir);
    await halfBuiltCluster(baseDir);
    await first.exit();
    expect(await until(() => initdbPids(baseDir).length === 0, 1_000)).toBe(true);
    expect(existsSync(join(baseDir, 'data'))).toBe(false);

    await expectRestartServes(baseDir);
  });

  it('refuses a data folder an older version left half-initialised, says how to remove it, and leaves it be', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const dataDir = join(baseDir, 'data');
    const first = starter(baseDir);
    const cluster = await halfBuiltCluster(baseDir);
    await first.kill();
    killInitdb(baseDir);
    // Older versions ran initdb in the data folder itself.
    if (cluster !== dataDir) {
      renameSync(cluster, dataDir);
      rmSync(join(cluster, '..'), { recursive: true, force: true });
    }
    const before = listing(dataDir);

    const again = starter(baseDir);
    expect(await again.outcome).toEqual({
      event: 'refused',
      message:
        `Embedded Postgres cannot start: ${dataDir} is a cluster whose initialisation was interrupted (initdb ` +
        'did not finish and no server ever ran on it, so it holds no data). Remove it, then start again: ' +
        `rm -rf '${dataDir}'`,
    });
    expect(listing(dataDir)).toEqual(before);
  });

  it('initialises an empty data folder that is a symlink in place, and keeps the link', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const target = await scratchDir('toolgate-embedded-target-');
    symlinkSync(target, join(baseDir, 'data'));

    const first = starter(baseDir);
    try {
      expect(await first.outcome).toMatchObject({ event: 'started' });
      expect(lstatSync(join(baseDir, 'data')).isSymbolicLink()).toBe(true);
      expect(existsSync(join(target, 'PG_VERSION'))).toBe(true);
    } finally {
      await first.stop();
    }
    await expectRestartServes(baseDir);
  });

  it('initialises an empty data folder that is a mount point in place (bind mount, as root)', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const volume = await scratchDir('toolgate-embedded-volume-');
    const dataDir = join(baseDir, 'data');
    mkdirSync(dataDir);
    if (spawnSync('mount', ['--bind', volume, dataDir]).status !== 0) return; // needs root: not here
    mounts.push(dataDir);

    const first = starter(baseDir);
    try {
      expect(await first.outcome).toMatchObject({ event: 'started' });
      expect(existsSync(join(volume, 'PG_VERSION'))).toBe(true);
    } finally {
      await first.stop();
    }
  });

  it('never takes a cluster that completed its initialisation for an interrupted one', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const first = starter(baseDir);
    expect(await first.outcome).toMatchObject({ event: 'started' });
    expect(await first.stop()).toMatchObject({ event: 'stopped' });
    // Without postmaster.opts (as if no server had ever run on it), base/5 still marks it complete.
    rmSync(join(baseDir, 'data/postmaster.opts'));
    const again = starter(baseDir);
    try {
      expect(await again.outcome).toMatchObject({ event: 'started' });
    } finally {
      await again.stop();
    }
  });
});

describe('EmbeddedPostgres exit handler (integration)', () => {
  it('gives up owner.pid only once the server is gone: an immediate restart starts', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const first = starter(baseDir);
    const { postmaster } = await first.outcome;
    await first.exit();
    expect(running(postmaster!)).toBe(false);
    expect(existsSync(join(baseDir, 'owner.pid'))).toBe(false);

    await expectRestartServes(baseDir);
  });

  it('stops a server that is still starting, and only then gives up owner.pid', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const dataDir = join(baseDir, 'data');
    const first = starter(baseDir);
    expect(await first.outcome).toMatchObject({ event: 'started' });
    expect(await first.stop()).toMatchObject({ event: 'stopped' });
    const second = starter(baseDir, { stopTimeoutMs: 300 });
    const pidFile = join(dataDir, 'postmaster.pid');
    expect(await until(() => existsSync(pidFile) && postmasterPid(dataDir) > 0, 30_000)).toBe(true);
    const postmaster = postmasterPid(dataDir);
    process.kill(postmaster, 'SIGSTOP'); // it never gets ready
    await second.exit();
    expect(running(postmaster)).toBe(false);
    expect(existsSync(join(baseDir, 'owner.pid'))).toBe(false);
  });

  it('waits for a hung server no longer than stop() does (SIGQUIT, then SIGKILL)', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const first = starter(baseDir, { stopTimeoutMs: 300 });
    const { postmaster } = await first.outcome;
    process.kill(postmaster!, 'SIGSTOP'); // SIGINT stays pending: a hung server
    const began = Date.now();
    await first.exit();
    expect(Date.now() - began).toBeLessThan(8_000);
    expect(running(postmaster!)).toBe(false);
    expect(existsSync(join(baseDir, 'owner.pid'))).toBe(false);
  });
});

describe('EmbeddedPostgres ownership (integration, two processes)', () => {
  it('a second starter arriving while the first one starts refuses and never touches its server', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    // B waits for A's postmaster.pid: the moment A's server exists but is not ready yet.
    const second = starter(baseDir, { waitFor: join(baseDir, 'data/postmaster.pid') });
    const first = starter(baseDir);
    try {
      const [a, b] = await Promise.all([first.outcome, second.outcome]);
      expect(b).toEqual({
        event: 'refused',
        message: expect.stringMatching(
          /^Another Toolgate process \(pid \d+\) is using the embedded Postgres/,
        ),
      });
      expect(a).toMatchObject({ event: 'started', postmaster: expect.any(Number) });
      // A's server is the one running, and it still serves.
      expect(alive(a.postmaster!)).toBe(true);
      expect(postmasterPid(join(baseDir, 'data'))).toBe(a.postmaster);
      expect(await selectOne(baseDir, a.port!)).toBe(1);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('of two starters at the same moment, exactly one starts', async () => {
    const baseDir = await scratchDir('toolgate-embedded-');
    const racers = [starter(baseDir), starter(baseDir)];
    try {
      const outcomes = await Promise.all(racers.map((racer) => racer.outcome));
      expect(outcomes.map((outcome) => outcome.event).sort()).toEqual(['refused', 'started']);
    } finally {
      await Promise.all(racers.map((racer) => racer.stop()));
    }
  });
});
