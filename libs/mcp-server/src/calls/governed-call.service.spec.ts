import { type CatalogService, type SchemaValidatorService } from '@toolgate/catalog';
import { type Principal } from '@toolgate/core';
import { type RateLimitService, type ToolExecutorService } from '@toolgate/invocation';
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
  const service = new GovernedCallService(
    { resolve: () => manifest } as unknown as CatalogService,
    {
      decide: () => ({ allowed: true, require_confirmation: true, policy_version: 'v1' }),
    } as unknown as PolicyService,
    limits as unknown as RateLimitService,
    { assertValid: () => undefined } as unknown as SchemaValidatorService,
    { admit: () => undefined } as unknown as ToolExecutorService,
  );
  return { service, limits, ctx: { principal, requestId: 'r-1' } };
}

describe('GovernedCallService.authorize', () => {
  it('spends the rate limit (429 when the bucket is empty)', async () => {
    const { service, ctx } = setup();
    await expect(service.authorize(ctx, 'mcp.drift:wipe', { id: 'r1' })).rejects.toMatchObject({
      code: 'RATE.LIMITED',
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
