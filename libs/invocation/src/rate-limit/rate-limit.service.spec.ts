import { type ConfigType } from '@nestjs/config';

import { makePrincipal } from '@toolgate/testing';

import { type invocationConfig } from '../invocation.config';
import { FixedWindowStorage } from './fixed-window.storage';
import { type RateLimitStorage } from './rate-limit-storage.service';
import { rateLimitHeaders, RateLimitService } from './rate-limit.service';

describe('RateLimitService', () => {
  let now: number;
  let storage: FixedWindowStorage;
  let service: RateLimitService;
  const principal = makePrincipal();

  beforeEach(() => {
    now = 1_000_000;
    storage = new FixedWindowStorage(() => now);
    const config = { defaultRps: 5, defaultBurst: 10 } as ConfigType<typeof invocationConfig>;
    service = new RateLimitService(config, storage as unknown as RateLimitStorage);
  });

  afterEach(() => storage.clear());

  /** Sends `count` requests `everyMs` apart; returns how many were allowed. */
  async function allowedOf(count: number, everyMs: number, limit = service.defaults): Promise<number> {
    let allowed = 0;
    for (let i = 0; i < count; i += 1) {
      if ((await service.consume(principal, 'tool:x', limit)).allowed) allowed += 1;
      now += everyMs;
    }
    return allowed;
  }

  it('sustains rps when it exceeds burst: {rps 50, burst 5} admits 100 of 200 requests sent at 100/s', async () => {
    expect(await allowedOf(200, 10, { rps: 50, burst: 5 })).toBe(100);
  });

  it('admits at most burst at once, then again once the window (burst / rps) is over', async () => {
    const limit = { rps: 50, burst: 5 };
    expect(await allowedOf(20, 0, limit)).toBe(5);
    now += 99;
    expect((await service.consume(principal, 'tool:x', limit)).allowed).toBe(false);
    now += 1;
    expect(await allowedOf(20, 0, limit)).toBe(5);
  });

  it('sustains the default rate under constant pressure: 5 rps, burst 10 over 10 s', async () => {
    expect(await allowedOf(1_000, 10)).toBe(50);
  });

  it('keeps Retry-After and RateLimit-Reset whole seconds, at least 1 for a window under a second', async () => {
    const limit = { rps: 50, burst: 5 };
    await allowedOf(5, 0, limit);
    const refused = await service.consume(principal, 'tool:x', limit);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfter: 1, reset: 1 });
    expect(rateLimitHeaders(refused)).toEqual({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '1',
      'retry-after': '1',
    });
  });

  it('tells a refused caller to retry when the window ends, not later', async () => {
    const consume = () => service.consume(principal, 'tool:x');
    await allowedOf(10, 0);
    now += 500;
    expect(await consume()).toMatchObject({ allowed: false, retryAfter: 2, reset: 2 });
    now += 600;
    expect(await consume()).toMatchObject({ allowed: false, retryAfter: 1 });
    now += 900;
    expect(await consume()).toMatchObject({ allowed: true, remaining: 9, reset: 2 });
  });
});
