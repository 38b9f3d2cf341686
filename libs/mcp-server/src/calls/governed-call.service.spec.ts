import { type CatalogService, type SchemaValidatorService } from '@toolgate/catalog';
import { type AuditEventInput, type Principal } from '@toolgate/core';
import {
  loadInvocationConfig,
  RateLimitAuditService,
  type RateLimitService,
  type ToolExecutorService,
} from '@toolgate/invocation';
import { type PolicyService } from '@toolgate/policy';

import { GovernedCallService } from './governed-call.service';

const principal = { tenant: 'acme', subject: 'agent', roles: [], scopes: [] } as unknown as Principal;
const manifest = {
  toolId: 'mcp.drift:wipe',
  version: 1,
  provider_id: 'mcp',
  safety_tags: [],
  tenant: 'public',
};

/** A governed call whose rate limit bucket is empty. */
function setup() {
  const limits = { consume: jest.fn().mockResolvedValue({ allowed: false, retryAfter: 7 }) };
  const events: AuditEventInput[] = [];
  const audit = { record: async (event: AuditEventInput) => void events.push(event) };
  const refusals = new RateLimitAuditService(loadInvocationConfig({}), audit);
  const service = new GovernedCallService(
    { resolve: () => manifest } as unknown as CatalogService,
    {
      decide: () => ({ allowed: true, require_confirmation: true, policy_version: 'v1' }),
    } as unknown as PolicyService,
    limits as unknown as RateLimitService,
    { assertValid: () => undefined } as unknown as SchemaValidatorService,
    { admit: () => undefined } as unknown as ToolExecutorService,
    refusals,
    audit,
  );
  return { service, limits, refusals, events, ctx: { principal, requestId: 'r-1' } };
}

describe('GovernedCallService.authorize', () => {
  it('spends the rate limit (429 when the bucket is empty)', async () => {
    const { service, ctx } = setup();
    await expect(service.authorize(ctx, 'mcp.drift:wipe', { id: 'r1' })).rejects.toMatchObject({
      code: 'RATE.LIMITED',
    });
  });

  it('10,000 refusals append 1 rate.limited event at once and 1 counted event when the window closes', async () => {
    const { service, refusals, events, ctx } = setup();
    for (let i = 0; i < 10_000; i += 1)
      await expect(
        service.authorize({ ...ctx, requestId: `r-${i}` }, 'mcp.drift:wipe', { id: 'r1' }),
      ).rejects.toMatchObject({ code: 'RATE.LIMITED' });
    expect(events).toEqual([
      expect.objectContaining({
        event: 'rate.limited',
        tenant: 'acme',
        subject: 'agent',
        tool_id: 'mcp.drift:wipe',
        request_id: 'r-0',
        correlation_id: expect.any(String),
        details: { bucket: 'tools', transport: 'mcp', retry_after_seconds: 7 },
      }),
    ]);
    await refusals.onApplicationShutdown();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      event: 'rate.limited',
      tenant: 'acme',
      subject: 'agent',
      details: { bucket: 'tools', transport: 'mcp', count: 9_999, aggregated: true },
    });
  });

  it('does not spend it again for the re-check of a call confirmed in the same tools/call', async () => {
    const { service, limits, ctx } = setup();
    const options = { correlationId: 'c-1', spend: false };
    const { call } = await service.authorize(ctx, 'mcp.drift:wipe', { id: 'r1' }, options);
    expect(limits.consume).not.toHaveBeenCalled();
    expect(call.correlationId).toBe('c-1');
  });
});
