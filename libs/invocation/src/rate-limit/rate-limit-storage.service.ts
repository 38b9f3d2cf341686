import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { type ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { Gauge } from 'prom-client';

import { HealthContributors, MetricsService } from '@toolgate/observability';

import { invocationConfig } from '../invocation.config';
import { FixedWindowStorage, type ThrottlerRecord } from './fixed-window.storage';

/** While counting in memory, how often Redis is tried again. */
export const REDIS_PROBE_INTERVAL_MS = 1_000;
/** What the probe counts under (request keys start with `rl:<length>:`). */
const PROBE_KEY = 'rl:probe';

/**
 * Throttler storage shared by replicas through Redis when `REDIS_URL` is set. If a Redis command fails or
 * is not answered within `REDIS_COMMAND_TIMEOUT_MS` (Redis down, hung, out of memory, read-only), counting
 * falls back to this process's memory (logged once, shown in `/health` and the
 * `toolgate_rate_limit_fallback` gauge). Meanwhile a probe counts a hit in Redis every second, the same
 * command a request runs (a Redis that answers PING but refuses writes is not taken back), and counting
 * returns to Redis as soon as it succeeds.
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly memory = new FixedWindowStorage();
  private redisClient?: Redis;
  private redis?: ThrottlerStorageRedisService;
  private fallback = false;
  private prober?: NodeJS.Timeout;
  private probing = false;
  /** Set at shutdown: requests still being answered count in memory, and no probe starts. */
  private stopped = false;
  private readonly gauge: Gauge;

  constructor(
    @Inject(invocationConfig.KEY) private readonly config: ConfigType<typeof invocationConfig>,
    metrics: MetricsService,
    private readonly health: HealthContributors,
  ) {
    this.gauge = new Gauge({
      name: 'toolgate_rate_limit_fallback',
      help: '1 while rate limits are counted in process memory because Redis is unreachable.',
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    if (this.config.redisUrl) {
      this.redisClient = new Redis(this.config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 1_000,
        // A connected Redis that stops answering must not hold requests: they fall back to memory.
        commandTimeout: this.config.redisCommandTimeoutMs,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      });
      this.redisClient.on('error', () => undefined); // reported through the fallback below
      this.redisClient.on('ready', () => void this.probe());
      this.redis = new ThrottlerStorageRedisService(this.redisClient);
    }
    this.health.register('rate_limit_storage', () => ({
      rate_limit_storage: {
        status: this.fallback ? 'down' : 'up',
        storage: this.redis ? (this.fallback ? 'memory (Redis unreachable)' : 'redis') : 'memory',
      },
    }));
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    name: string,
  ): Promise<ThrottlerRecord> {
    if (this.redis && !this.fallback && !this.stopped) {
      try {
        return await this.redis.increment(key, ttl, limit, blockDuration, name);
      } catch (error) {
        this.setFallback(true, error);
      }
    }
    return this.memory.increment(key, ttl, limit, blockDuration, name);
  }

  get usingFallback(): boolean {
    return this.fallback;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.stopProbing();
    this.memory.clear();
    this.redisClient?.disconnect();
  }

  /** While in fallback: counts a hit in Redis, and returns to Redis when that works. */
  private async probe(): Promise<void> {
    if (!this.redis || !this.fallback || this.probing) return;
    this.probing = true;
    try {
      await this.redis.increment(PROBE_KEY, REDIS_PROBE_INTERVAL_MS, 1_000_000, 1, 'probe');
      this.setFallback(false);
    } catch {
      // Still failing: the next probe tries again.
    } finally {
      this.probing = false;
    }
  }

  private stopProbing(): void {
    clearInterval(this.prober);
    this.prober = undefined;
  }

  private setFallback(on: boolean, error?: unknown): void {
    if (on === this.fallback || this.stopped) return;
    this.fallback = on;
    this.gauge.set(on ? 1 : 0);
    if (on) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Redis failed (${reason}); rate limits are counted in memory until it answers again`);
      this.prober = setInterval(() => void this.probe(), REDIS_PROBE_INTERVAL_MS);
      this.prober.unref();
    } else {
      this.stopProbing();
      this.logger.log('Redis answers again; rate limits are shared through Redis');
    }
  }
}
