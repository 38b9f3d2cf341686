import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

import { findFreePort } from '@toolgate/database';

const INSTALL_TIMEOUT_MS = 240_000;

function found(): string | undefined {
  const which = spawnSync('which', ['redis-server'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

/**
 * Path of `redis-server`, installing Debian's package when it is missing and we are root with apt-get.
 * Returns the reason instead when Redis cannot be had here.
 */
export function ensureRedisServer(): { path?: string; reason?: string } {
  const existing = found();
  if (existing) return { path: existing };
  if (process.getuid?.() !== 0 || spawnSync('which', ['apt-get']).status !== 0) {
    return { reason: 'redis-server is not installed and apt-get is not available to install it' };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], {
      env,
      timeout: INSTALL_TIMEOUT_MS,
    });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update'], { env, timeout: INSTALL_TIMEOUT_MS });
    const second = install();
    if (second.status !== 0)
      return { reason: `apt-get install redis-server failed: ${String(second.stderr).slice(-300)}` };
  }
  const installed = found();
  return installed ? { path: installed } : { reason: 'redis-server still not found after apt-get install' };
}

export interface RedisProcess {
  url: string;
  port: number;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered until `resume()`. */
  pause(): void;
  resume(): void;
  /** Runs `redis-cli <args>` against the server; returns its output. */
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

/** Starts a throwaway Redis (no persistence) on a random loopback port; stop() kills it by pid. */
export async function startRedis(path: string, port?: number): Promise<RedisProcess> {
  const chosen = port ?? (await findFreePort());
  const child: ChildProcess = spawn(
    path,
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 10_000;
  while (
    spawnSync('redis-cli', ['-p', String(chosen), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'
  ) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`redis-server did not start on port ${chosen}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    cli: (...args) =>
      spawnSync('redis-cli', ['-p', String(chosen), ...args], { encoding: 'utf8' }).stdout.trim(),
    stop: () =>
      new Promise<void>((done) => {
        // Stopped already (a SIGKILLed child has a signalCode and no exitCode): 'exit' will not come again.
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
  };
}
