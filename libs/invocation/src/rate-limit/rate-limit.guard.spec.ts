import { type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { type CatalogService } from '@toolgate/catalog';
import { type AuditEventInput } from '@toolgate/core';
import { makePrincipal } from '@toolgate/testing';

import { loadInvocationConfig } from '../invocation.config';
import { FixedWindowStorage } from './fixed-window.storage';
import { RateLimitAuditService } from './rate-limit-audit.service';
import { type RateLimitStorage } from './rate-limit-storage.service';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitService } from './rate-limit.service';

/** The guard over a {5 rps, burst 10} bucket whose window never ends (the clock stands still). */
function setup() {
  const config = loadInvocationConfig({ RATE_LIMIT_DEFAULT_RPS: '5', RATE_BUCKET_BURST: '10' });
  const storage = new FixedWindowStorage(() => 1_000_000);
  const events: AuditEventInput[] = [];
  const audit = { record: async (event: AuditEventInput) => void events.push(event) };
  const refusals = new RateLimitAuditService(config, audit);
  const limits = new RateLimitService(config, storage as unknown as RateLimitStorage);
  const catalog = { resolve: () => undefined } as unknown as CatalogService;
  const guard = new RateLimitGuard(new Reflector(), limits, catalog, refusals);
  const principal = makePrincipal();
  let n = 0;
  const context = () => {
    const request = {
      id: `r-${(n += 1)}`,
      method: 'GET',
      params: {},
      routeOptions: { url: '/tool-catalog' },
      principal,
    };
    return {
      getHandler: () => () => undefined,
      getClass: () => class {},
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({ headers: () => undefined }) }),
    } as unknown as ExecutionContext;
  };
  return { guard, refusals, storage, events, context };
}

describe('RateLimitGuard', () => {
  it('10,000 refusals in one window append 1 rate.limited event at once and 1 counted event', async () => {
    const { guard, refusals, storage, events, context } = setup();
    let refused = 0;
    for (let i = 0; i < 10_010; i += 1)
      await guard.canActivate(context()).catch((error: { code?: string }) => {
        expect(error.code).toBe('RATE.LIMITED');
        refused += 1;
      });
    expect(refused).toBe(10_000);
    expect(events).toEqual([
      expect.objectContaining({
        event: 'rate.limited',
        tenant: 'acme',
        subject: 'agent-1',
        status: '429',
        request_id: 'r-11',
        details: expect.objectContaining({ bucket: 'api', transport: 'rest', route: '/tool-catalog' }),
      }),
    ]);
    await refusals.onApplicationShutdown();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      event: 'rate.limited',
      tenant: 'acme',
      subject: 'agent-1',
      details: { bucket: 'api', transport: 'rest', count: 9_999, window_sec: 60, aggregated: true },
    });
    storage.clear();
  });
});
