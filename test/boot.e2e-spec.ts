import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { findFreePort } from '@toolgate/database';

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist/apps/gateway/src/main.js');

interface Booted {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

function boot(env: Record<string, string>): Booted {
  let out = '';
  let err = '';
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', LOG_LEVEL: 'warn', ...env },
  });
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

async function waitForHealth(port: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return status;
    await new Promise((done) => setTimeout(done, 200));
  }
  return 0;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

function postgresRunningOn(dataDir: string): boolean {
  return spawnSync('pgrep', ['-f', `postgres -D ${dataDir}`]).status === 0;
}

describe('gateway process (compiled, as `npm start` runs it)', () => {
  let runtimeDir: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
    runtimeDir = await mkdtemp(join(tmpdir(), 'toolgate-boot-'));
    await chmod(runtimeDir, 0o755);
  });

  afterAll(async () => {
    spawnSync('pkill', ['-INT', '-f', `postgres -D ${join(runtimeDir, 'postgres/data')}`]);
    await rm(runtimeDir, { recursive: true, force: true });
  });

  it('stops with one line naming the variable when a setting is bad', async () => {
    const booted = boot({ PORT: 'eighty', RUNTIME_DIR: runtimeDir });
    expect(await exited(booted.child)).toBe(1);
    const lines = booted.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('Invalid configuration: PORT must be an integer number (got "eighty")');
  });

  it('stops with one line for a bad setting of any module, not only the app', async () => {
    const booted = boot({
      RATE_LIMIT_DEFAULT_RPS: 'fast',
      RUNTIME_DIR: runtimeDir,
      PORT: String(await findFreePort()),
    });
    expect(await exited(booted.child)).toBe(1);
    expect(booted.stderr().trim()).toBe(
      'Invalid configuration: RATE_LIMIT_DEFAULT_RPS must be an integer number (got "fast")',
    );
  });

  it('says clearly when the embedded Postgres port is taken', async () => {
    const blocker = createServer();
    const pgPort = await findFreePort();
    await new Promise<void>((done) => blocker.listen(pgPort, '127.0.0.1', done));
    try {
      const booted = boot({
        PORT: String(await findFreePort()),
        EMBEDDED_PG_PORT: String(pgPort),
        RUNTIME_DIR: runtimeDir,
      });
      expect(await exited(booted.child)).toBe(1);
      expect(booted.stderr()).toContain(`port ${pgPort} is already in use`);
      expect(booted.stderr()).not.toContain('undefined');
    } finally {
      blocker.close();
    }
  });

  it('serves /health, prints its URLs, restarts cleanly after kill -9 and stops Postgres on SIGTERM', async () => {
    const env = {
      PORT: String(await findFreePort()),
      EMBEDDED_PG_PORT: String(await findFreePort()),
      RUNTIME_DIR: runtimeDir,
    };
    const dataDir = join(runtimeDir, 'postgres/data');
    const first = boot(env);
    expect(await waitForHealth(Number(env.PORT))).toBe(200);
    expect(first.stdout()).toContain(`/docs`);
    expect(first.stdout()).toContain(`/health`);
    expect(first.stdout()).toContain(`/metrics`);

    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(postgresRunningOn(dataDir)).toBe(true); // the orphan a SIGKILL leaves behind

    const second = boot(env);
    expect(await waitForHealth(Number(env.PORT))).toBe(200);
    const termination = new Promise<[number | null, string | null]>((done) =>
      second.child.once('exit', (code, signal) => done([code, signal])),
    );
    second.child.kill('SIGTERM');
    // Graceful close, then Nest re-raises the signal: exit code 0 or "terminated by SIGTERM".
    expect([
      [0, null],
      [null, 'SIGTERM'],
    ]).toContainEqual(await termination);
    expect(postgresRunningOn(dataDir)).toBe(false);
  });
});
