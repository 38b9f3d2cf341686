import { type Principal } from '@toolgate/core';
import { type PolicyDecision, type PolicyResource, type PolicyService } from '@toolgate/policy';
import { makeManifestRow, makePrincipal } from '@toolgate/testing';

import { CatalogService } from '../catalog.service';
import { type ManifestStore } from '../store/manifest-store.service';
import { CatalogViewService } from './catalog-view.service';

const decision = (allowed: boolean, extra: Partial<PolicyDecision> = {}): PolicyDecision => ({
  allowed,
  matched_rules: [],
  missing_scopes: [],
  require_confirmation: false,
  require_approval: null,
  policy_version: 'test',
  ...extra,
});

/** Fake policy: tenant isolation, `reader` invokes `test` tools, `destructive` needs confirmation + approval. */
const policy = {
  decide: jest.fn((principal: Principal, action: string, resource: PolicyResource) => {
    if (action !== 'tools.invoke') return decision(false);
    if (resource.tenant !== 'public' && resource.tenant !== principal.tenant) return decision(false);
    if (!principal.roles.includes('reader') || resource.provider_id !== 'test') return decision(false);
    const destructive = resource.safety_tags?.includes('destructive') ?? false;
    return decision(true, {
      require_confirmation: destructive,
      require_approval: destructive ? { roles: ['approver'], rule: 'r' } : null,
    });
  }),
} as unknown as PolicyService;

const rows = [
  makeManifestRow({ toolId: 'test:echo', description: 'Returns its input.', safety_tags: ['read-only'] }),
  makeManifestRow({ toolId: 'test:destroy', name: 'Destroy', safety_tags: ['destructive'] }),
  makeManifestRow({ toolId: 'other:thing' }),
  makeManifestRow({ toolId: 'test:acme-only', tenant: 'acme' }),
  makeManifestRow({ toolId: 'test:globex-only', tenant: 'globex' }),
  makeManifestRow({ toolId: 'test:echo', tenant: 'acme', description: 'Acme echo.' }),
];

describe('CatalogViewService', () => {
  let view: CatalogViewService;
  const reader = makePrincipal({ tenant: 'acme', roles: ['reader'] });

  beforeAll(async () => {
    const catalog = new CatalogService({ loadActive: async () => rows } as unknown as ManifestStore);
    await catalog.reload();
    view = new CatalogViewService(catalog, policy);
  });

  it('lists only the tools the policy lets the caller invoke, in tool id order, own tenant shadowing public', () => {
    const tools = view.list(reader);
    expect(tools.map((tool) => `${tool.tenant}/${tool.toolId}`)).toEqual([
      'acme/test:acme-only',
      'public/test:destroy',
      'acme/test:echo',
    ]);
    expect(tools.find((tool) => tool.toolId === 'test:echo')?.description).toBe('Acme echo.');
  });

  it('marks the gates the policy puts in front of a tool', () => {
    const destroy = view.list(reader).find((tool) => tool.toolId === 'test:destroy');
    expect(destroy).toMatchObject({ requires_confirmation: true, requires_approval: true });
    expect(view.get(reader, 'test:acme-only')).toMatchObject({
      requires_confirmation: false,
      requires_approval: false,
    });
  });

  it('shows nothing to a caller the policy lets invoke nothing', () => {
    expect(view.list(makePrincipal({ tenant: 'acme', roles: [] }))).toEqual([]);
  });

  it('filters by provider, tag and a case-insensitive substring of id, name or description', () => {
    const ids = (filter: Parameters<CatalogViewService['list']>[1]) =>
      view.list(reader, filter).map((t) => t.toolId);
    expect(ids({ tag: 'destructive' })).toEqual(['test:destroy']);
    expect(ids({ provider: 'other' })).toEqual([]);
    expect(ids({ q: 'ACME' })).toEqual(['test:acme-only', 'test:echo']);
    expect(ids({ q: 'destroy', tag: 'read-only' })).toEqual([]);
  });

  it('answers the same 404 for unknown, other-tenant and not-invocable tools', () => {
    for (const toolId of ['test:nope', 'test:globex-only', 'other:thing']) {
      expect(() => view.get(reader, toolId)).toThrow(
        expect.objectContaining({ status: 404, code: 'CATALOG.TOOL_NOT_FOUND' }),
      );
    }
  });
});
