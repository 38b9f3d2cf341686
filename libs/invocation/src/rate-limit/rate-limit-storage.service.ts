import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { type ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { Gauge } from 'prom-client';

import { HealthContributors, MetricsService } from '@toolgate/observability';

import { invocationConfig } from '../invocation.config';
import { FixedWindowStorage, type ThrottlerRecord } from './fixed-window.storage';

/**
 * Throttler storage shared by replicas through Redis when `REDIS_URL` is set. If Redis becomes unreachable,
 * counting falls back to this process's memory (logged once, shown in `/health` and the
 * `toolgate_rate_limit_fallback` gauge) and returns to Redis when it is back.
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly memory = new FixedWindowStorage();
  private redisClient?: Redis;
  private redis?: ThrottlerStorageRedisService;
  private fallback = false;
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
        retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      });
      this.redisClient.on('error', () => undefined); // reported through the fallback below
      this.redisClient.on('ready', () => this.setFallback(false));
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
    if (this.redis && !this.fallback) {
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
    this.memory.clear();
    this.redisClient?.disconnect();
  }

  private setFallback(on: boolean, error?: unknown): void {
    if (on === this.fallback) return;
    this.fallback = on;
    this.gauge.set(on ? 1 : 0);
    if (on) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        `Redis is unreachable (${reason}); rate limits are counted in memory until it returns`,
      );
    } else {
      this.logger.log('Redis is reachable again; rate limits are shared through Redis');
    }
  }
}
