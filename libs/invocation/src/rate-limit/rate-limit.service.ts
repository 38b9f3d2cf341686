import { Inject, Injectable } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { type Principal } from '@toolgate/core';

import { invocationConfig } from '../invocation.config';
import { RateLimitStorage } from './rate-limit-storage.service';

export interface RateLimit {
  rps: number;
  burst: number;
}

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  reset: number;
  /** Seconds to wait before retrying (0 when allowed). */
  retryAfter: number;
}

/** The storage's limit: it only counts, so no block of its own outlasts the window. */
const COUNT_ONLY = Number.MAX_SAFE_INTEGER;

/**
 * Buckets keyed by tenant + subject (+ tool for a per-tool limit). A bucket of `burst` requests refills
 * every `burst / rps` seconds (windows shorter than a second included): the same average rate as a token
 * bucket, counted in fixed windows so the storage is @nestjs/throttler's (memory or Redis) unchanged. The
 * storage counts every hit of the window; past `burst` the request is refused until the window ends.
 */
@Injectable()
export class RateLimitService {
  readonly defaults: RateLimit;

  constructor(
    @Inject(invocationConfig.KEY) config: ConfigType<typeof invocationConfig>,
    private readonly storage: RateLimitStorage,
  ) {
    this.defaults = { rps: config.defaultRps, burst: config.defaultBurst };
  }

  async consume(
    principal: Principal,
    scope = '*',
    limit: RateLimit = this.defaults,
  ): Promise<RateLimitState> {
    const windowMs = Math.max(1, Math.ceil((limit.burst / limit.rps) * 1000));
    const key = `rl:${principal.tenant.length}:${principal.tenant}:${principal.subject.length}:${principal.subject}:${scope}`;
    const record = await this.storage.increment(key, windowMs, COUNT_ONLY, windowMs, 'default');
    // Whole seconds (rounded up), as the headers need: a window under a second reports 1.
    const reset = Math.max(0, Math.ceil(record.timeToExpire));
    if (record.totalHits > limit.burst) {
      const retryAfter = Math.max(1, reset);
      return { allowed: false, limit: limit.burst, remaining: 0, reset: retryAfter, retryAfter };
    }
    return {
      allowed: true,
      limit: limit.burst,
      remaining: Math.max(0, limit.burst - record.totalHits),
      reset,
      retryAfter: 0,
    };
  }
}

/** `RateLimit-*` response headers (draft-ietf-httpapi-ratelimit-headers), plus `Retry-After` when limited. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.reset),
  };
  if (!state.allowed) headers['retry-after'] = String(state.retryAfter);
  return headers;
}
