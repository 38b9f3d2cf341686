import { type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { CatalogResourceService, type CatalogService } from '@toolgate/catalog';
import { type AuditEventInput } from '@toolgate/core';
import { attachPolicyDecision, type PolicyDecision, RequirePolicy } from '@toolgate/policy';
import { makeCatalogManifest, makePrincipal } from '@toolgate/testing';

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

  it("spends from the tool's own bucket as the manifest the policy guard resolved sets it, with no second lookup", async () => {
    class ToolsController {
      @RequirePolicy.forTool('tools.invoke', 'toolId')
      invoke(): void {}
    }
    const config = loadInvocationConfig({ RATE_LIMIT_DEFAULT_RPS: '5', RATE_BUCKET_BURST: '10' });
    const limits = new RateLimitService(
      config,
      new FixedWindowStorage(() => 1_000_000) as unknown as RateLimitStorage,
    );
    const manifest = makeCatalogManifest({ toolId: 'test:echo', rate_limit: { rps: 1, burst: 2 } });
    const catalog = { resolve: jest.fn(() => manifest) };
    const resolver = new CatalogResourceService(catalog as unknown as CatalogService);
    const audit = { record: async () => undefined };
    const guard = new RateLimitGuard(
      new Reflector(),
      limits,
      catalog as unknown as CatalogService,
      new RateLimitAuditService(config, audit),
    );
    const principal = makePrincipal();
    const headers: Record<string, string>[] = [];
    const call = async (n: number) => {
      const request = { id: `t-${n}`, method: 'POST', params: { toolId: 'test:echo' }, principal };
      // What the policy guard leaves on the request.
      attachPolicyDecision(
        request as never,
        {} as PolicyDecision,
        await resolver.resolve('test:echo', principal),
      );
      const context = {
        getHandler: () => ToolsController.prototype.invoke,
        getClass: () => ToolsController,
        switchToHttp: () => ({
          getRequest: () => request,
          getResponse: () => ({ headers: (sent: Record<string, string>) => void headers.push(sent) }),
        }),
      } as unknown as ExecutionContext;
      return guard.canActivate(context).catch((error: { code?: string }) => error.code);
    };
    expect([await call(1), await call(2), await call(3)]).toEqual([true, true, 'RATE.LIMITED']);
    expect(headers.map((sent) => sent['ratelimit-limit'])).toEqual(['2', '2', '2']);
    expect(catalog.resolve).toHaveBeenCalledTimes(3);
  });
});
