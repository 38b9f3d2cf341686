import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';

import { findFreePort } from '@toolgate/database';

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist/apps/gateway/src/main.js');
const TS_CHILD = join(__dirname, 'support/ts-child.cjs');

/** Every process's parent, from /proc (Linux). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
      map.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

function descendantsOf(pid: number): number[] {
  const map = parents();
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of map) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** Live (not zombie) processes among `pids`. */
function alive(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  });
}

/** Processes whose command line names `dir` (the Postgres server of a data directory). */
function processesUsing(dir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    });
}

async function waitFor(check: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((done) => setTimeout(done, stepMs));
  }
  return check();
}

function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve([child.exitCode, child.signalCode]);
  return new Promise((done) => child.once('exit', (code, signal) => done([code, signal])));
}

/** Something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function healthy(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/health/live`).then(
    (response) => response.status === 200,
    () => false,
  );
}

async function becomesHealthy(port: number, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await healthy(port)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
}

describe('stopping the gateway process', () => {
  let dir: string;
  const started: number[] = [];

  beforeAll(() => {
    if (!existsSync(MAIN)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'toolgate-signals-'));
    await chmod(dir, 0o755); // the postgres OS user enters it
  });

  afterEach(async () => {
    // Whatever a failed test left running, by pid: a graceful stop first, then SIGKILL.
    const leftover = alive([...started.splice(0), ...processesUsing(join(dir, 'runtime/postgres/data'))]);
    for (const pid of leftover) process.kill(pid, 'SIGTERM');
    if (!(await waitFor(() => alive(leftover).length === 0, 20_000)))
      for (const pid of alive(leftover)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  async function gatewayEnv(): Promise<Record<string, string>> {
    return {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      LOG_LEVEL: 'warn',
      PORT: String(await findFreePort()),
      EMBEDDED_PG_PORT: String(await findFreePort()),
      RUNTIME_DIR: join(dir, 'runtime'),
      AUDIT_WORM_DIR: join(dir, 'worm'),
    };
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'a %s while booting, once the embedded Postgres runs, stops Postgres too',
    async (signal) => {
      const env = await gatewayEnv();
      const dataDir = join(env.RUNTIME_DIR, 'postgres/data');
      const child = spawn(process.execPath, [TS_CHILD, join(ROOT, 'apps/gateway/src/main.ts')], {
        cwd: ROOT,
        env,
        stdio: 'ignore',
      });
      started.push(child.pid!);
      // Postgres accepts connections; migrations and the rest of the boot follow.
      const deadline = Date.now() + 60_000;
      while (!(await listening(Number(env.EMBEDDED_PG_PORT))) && Date.now() < deadline)
        await new Promise((done) => setTimeout(done, 10));
      expect(processesUsing(dataDir).length).toBeGreaterThan(0);
      expect(await healthy(Number(env.PORT))).toBe(false); // still booting
      child.kill(signal);

      const [code, by] = await exited(child);
      expect([
        [null, signal],
        [0, null],
      ]).toContainEqual([code, by]);
      expect(await waitFor(() => processesUsing(dataDir).length === 0, 5_000)).toBe(true);
    },
  );

  /** The gateway on its embedded Postgres, healthy, with its output collected; the postmaster is held still. */
  async function gatewayWithFrozenPostgres() {
    const env = await gatewayEnv();
    const dataDir = join(env.RUNTIME_DIR, 'postgres/data');
    const child = spawn(process.execPath, [TS_CHILD, join(ROOT, 'apps/gateway/src/main.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child.pid!);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await becomesHealthy(Number(env.PORT))).toBe(true);
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    started.push(postmaster);
    // A slow shutdown: the server does not act on its stop signal until it is let go (SIGCONT).
    process.kill(postmaster, 'SIGSTOP');
    const logged = (text: string) => waitFor(() => output.includes(text), 10_000);
    return { child, dataDir, postmaster, logged };
  }

  const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

  it('a second SIGTERM while stopping is logged, and the stop still completes: Postgres is gone', async () => {
    const { child, dataDir, postmaster, logged } = await gatewayWithFrozenPostgres();
    child.kill('SIGTERM');
    await pause(200); // two signals sent at once may reach the process as one
    child.kill('SIGTERM');
    expect(await logged('already stopping')).toBe(true);
    process.kill(postmaster, 'SIGCONT');

    const [code, by] = await exited(child);
    expect([
      [null, 'SIGTERM'],
      [0, null],
    ]).toContainEqual([code, by]);
    expect(await waitFor(() => processesUsing(dataDir).length === 0, 5_000)).toBe(true);
  });

  it('a third stop signal while stopping exits at once, and the exit handler still stops Postgres', async () => {
    const { child, dataDir, postmaster, logged } = await gatewayWithFrozenPostgres();
    for (const signal of ['SIGTERM', 'SIGTERM', 'SIGINT'] as const) {
      child.kill(signal);
      await pause(200);
    }
    expect(await logged('exiting now')).toBe(true);
    process.kill(postmaster, 'SIGCONT'); // the exit handler's fast shutdown now takes effect

    expect(await exited(child)).toEqual([128 + 2, null]);
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it.each(['start', 'start:dist'])(
    '`npm run %s`: a SIGTERM to npm stops the gateway and its Postgres',
    async (script) => {
      const realNpm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
      // `npm start` builds first: a stand-in `npm` on the PATH records that call (dist/ is built already).
      const bin = join(dir, 'bin');
      const calls = join(dir, 'npm-calls');
      await mkdir(bin);
      await writeFile(join(bin, 'npm'), `#!/bin/sh\necho "$@" >> '${calls}'\n`, { mode: 0o755 });
      const env = await gatewayEnv();
      const npm = spawn(realNpm, ['run', '--silent', script], {
        cwd: ROOT,
        env: { ...env, PATH: `${bin}:${env.PATH}` },
        stdio: 'ignore',
      });
      started.push(npm.pid!);
      expect(await becomesHealthy(Number(env.PORT))).toBe(true);
      const tree = descendantsOf(npm.pid!); // the gateway and its Postgres among them
      started.push(...tree);
      expect(processesUsing(join(env.RUNTIME_DIR, 'postgres/data')).length).toBeGreaterThan(0);
      expect(existsSync(calls) ? readFileSync(calls, 'utf8').trim() : '').toBe(
        script === 'start' ? 'run build --silent' : '',
      );

      npm.kill('SIGTERM');
      await exited(npm);
      expect(await waitFor(() => alive(tree).length === 0, 10_000)).toBe(true);
      expect(processesUsing(join(env.RUNTIME_DIR, 'postgres/data'))).toEqual([]);
      expect(await healthy(Number(env.PORT))).toBe(false);
    },
  );
});
