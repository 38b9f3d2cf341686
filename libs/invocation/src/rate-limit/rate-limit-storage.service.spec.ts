import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';

import { type ConfigType } from '@nestjs/config';

import { HealthContributors, MetricsService } from '@toolgate/observability';
import { waitUntil } from '@toolgate/testing';

import { type invocationConfig } from '../invocation.config';
import { REDIS_PROBE_INTERVAL_MS, RateLimitStorage } from './rate-limit-storage.service';

/** Splits RESP command arrays (`*2\r\n$4\r\nPING\r\n…`) off the front of `buffer`; returns what is left. */
function takeCommands(buffer: Buffer, onCommand: (args: string[]) => void): Buffer {
  let at = 0;
  for (;;) {
    const args: string[] = [];
    let cursor = at;
    const line = (): string | undefined => {
      const end = buffer.indexOf('\r\n', cursor);
      if (end < 0) return undefined;
      const text = buffer.toString('utf8', cursor, end);
      cursor = end + 2;
      return text;
    };
    const header = line();
    if (header === undefined) return buffer.subarray(at);
    const count = Number(header.slice(1));
    for (let i = 0; i < count; i += 1) {
      const size = line();
      if (size === undefined || buffer.length < cursor + Number(size.slice(1)) + 2)
        return buffer.subarray(at);
      args.push(buffer.toString('utf8', cursor, cursor + Number(size.slice(1))));
      cursor += Number(size.slice(1)) + 2;
    }
    at = cursor;
    onCommand(args);
  }
}

/**
 * Just enough of a Redis for ioredis and the throttler's script: `ok` counts, `oom` refuses writes as a
 * full Redis does (PING still answers), `silent` holds every answer (a stopped server) until `resume()`.
 */
class FakeRedis {
  mode: 'ok' | 'oom' | 'silent' = 'ok';
  evals = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly held: (() => void)[] = [];

  constructor() {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      let pending: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = takeCommands(Buffer.concat([pending, chunk]), (args) => {
          if (this.mode === 'silent') this.held.push(() => socket.write(this.answer(args)));
          else socket.write(this.answer(args));
        });
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  resume(): void {
    this.mode = 'ok';
    for (const answer of this.held.splice(0)) answer();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private answer([name, ...args]: string[]): string {
    const command = name.toLowerCase();
    if (command === 'info') return `$${INFO.length}\r\n${INFO}\r\n`;
    if (command !== 'eval') return command === 'ping' ? '+PONG\r\n' : '+OK\r\n';
    if (this.mode === 'oom') return "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    this.evals += 1;
    const ttl = Number(args[5]);
    return `*4\r\n:${this.evals}\r\n:${ttl}\r\n:0\r\n:0\r\n`;
  }
}

const INFO = '# Server\r\nloading:0\r\n';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('RateLimitStorage with Redis', () => {
  let redis: FakeRedis;
  let metrics: MetricsService;
  let health: HealthContributors;
  let storage: RateLimitStorage;

  const hit = () => storage.increment('rl:1:t:1:s:api', 10_000, 100, 10_000, 'default');
  const reported = async () => (await health.all()[0]()).rate_limit_storage;
  const gauge = async () =>
    (await metrics.registry.getSingleMetric('toolgate_rate_limit_fallback')?.get())?.values[0]?.value;

  beforeEach(async () => {
    redis = new FakeRedis();
    const url = await redis.start();
    metrics = new MetricsService();
    health = new HealthContributors();
    // A loaded test machine can stall a command past a tight timeout (a fallback the test did not cause).
    const config = { redisUrl: url, redisCommandTimeoutMs: 300 } as ConfigType<typeof invocationConfig>;
    storage = new RateLimitStorage(config, metrics, health);
    storage.onModuleInit();
    // Counting in Redis: a hit reached it, and no slow first command left the storage in its fallback.
    const counting = await waitUntil(async () => {
      await hit();
      return redis.evals > 0 && !storage.usingFallback;
    }, 10_000);
    expect({ counting, fallback: storage.usingFallback }).toEqual({ counting: true, fallback: false });
  });

  afterEach(async () => {
    storage.onApplicationShutdown();
    await redis.stop();
  });

  it('falls back when Redis refuses a write, and returns once Redis counts again', async () => {
    redis.mode = 'oom';
    expect((await hit()).isBlocked).toBe(false);
    expect(storage.usingFallback).toBe(true);
    expect(await gauge()).toBe(1);
    expect(await reported()).toEqual({ status: 'down', storage: 'memory (Redis unreachable)' });
    await sleep(REDIS_PROBE_INTERVAL_MS * 1.5);
    expect(storage.usingFallback).toBe(true); // PING would answer; the probe's write does not
    redis.mode = 'ok';
    expect(await waitUntil(() => !storage.usingFallback, REDIS_PROBE_INTERVAL_MS * 10)).toBe(true);
    expect(await gauge()).toBe(0);
    expect(await reported()).toEqual({ status: 'up', storage: 'redis' });
    const counted = redis.evals;
    await hit();
    expect(redis.evals).toBe(counted + 1);
  });

  it('counts in memory after shutdown, without starting a probe', async () => {
    storage.onApplicationShutdown();
    const counted = redis.evals;
    expect((await hit()).isBlocked).toBe(false);
    expect(redis.evals).toBe(counted);
    expect(storage.usingFallback).toBe(false);
    expect(await gauge()).toBe(0);
  });

  it('falls back within the command timeout when a connected Redis stops answering', async () => {
    redis.mode = 'silent';
    const started = Date.now();
    expect((await hit()).isBlocked).toBe(false);
    // The 300 ms command timeout and slack for a loaded machine: without it the hit would never answer.
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(storage.usingFallback).toBe(true);
    await sleep(REDIS_PROBE_INTERVAL_MS * 1.5);
    expect(storage.usingFallback).toBe(true);
    redis.resume();
    expect(await waitUntil(() => !storage.usingFallback, REDIS_PROBE_INTERVAL_MS * 10)).toBe(true);
  });
});
