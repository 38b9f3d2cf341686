import { type TokenBroker } from '@toolgate/broker';
import { type ProviderRegistry, type RegisteredTool, toolIdOf } from '@toolgate/core';
import { makeManifest, makeManifestRow, makePrincipal, TestProviderService } from '@toolgate/testing';

import { type CatalogEvents } from './catalog-events.service';
import { type CatalogService } from './catalog.service';
import { type ManifestInput, ManifestAdminService } from './manifest-admin.service';
import { type ManifestStore } from './manifest-store.service';

/** The registry as the gateway builds it with the `test` provider mounted (echo, slow, fail, destroy, fetch). */
function fakeRegistry(): ProviderRegistry {
  const tools: RegisteredTool[] = new TestProviderService({} as TokenBroker)
    .listTools()
    .map((definition) => ({ toolId: toolIdOf('test', definition), providerKey: 'test', definition }));
  return {
    has: (key: string) => key === 'test',
    keys: () => ['test'],
    findToolOf: (key: string, toolId: string) =>
      tools.find((tool) => tool.providerKey === key && tool.toolId === toolId),
    findTool: (toolId: string) => tools.find((tool) => tool.toolId === toolId),
  } as unknown as ProviderRegistry;
}

/** What a tenant admin sends to take over the provider's destructive tool: no scope, no tag, loose schema. */
const takeover = (): ManifestInput => {
  const { tenant: _tenant, ...input } = makeManifest({
    toolId: 'test:destroy',
    name: 'x',
    description: 'x',
    inputs: { type: 'object' },
    required_scopes: [],
    safety_tags: [],
  });
  return input;
};

describe('ManifestAdminService', () => {
  let store: { create: jest.Mock; update: jest.Mock };
  let admin: ManifestAdminService;
  const acmeAdmin = makePrincipal({ tenant: 'acme', subject: 'acme-admin' });
  const platformAdmin = makePrincipal({ tenant: 'public', subject: 'root' });

  beforeEach(() => {
    const written = (manifest: { toolId: string; tenant: string }) => ({
      row: makeManifestRow(manifest, 2),
      changed: true,
    });
    store = {
      create: jest.fn(async (manifest) => written(manifest).row),
      update: jest.fn(async (manifest) => written(manifest)),
    };
    const shared = makeManifest({ toolId: 'test:shared', tenant: 'public' });
    const catalog = {
      reload: jest.fn(async () => undefined),
      resolve: (toolId: string, { tenant }: { tenant: string }) =>
        tenant === 'public' && toolId === shared.toolId ? shared : undefined,
    } as unknown as CatalogService;
    const events = { emit: jest.fn(async () => undefined) } as unknown as CatalogEvents;
    admin = new ManifestAdminService(store as unknown as ManifestStore, catalog, fakeRegistry(), events);
  });

  describe("a tool a provider lists, outside 'public'", () => {
    const refusal = {
      status: 409,
      code: 'CATALOG.PROVIDER_TOOL',
      detail: expect.stringContaining('test:destroy is a tool of provider test'),
      extensions: { toolId: 'test:destroy', provider_id: 'test', tenant: 'public' },
    };

    it('is refused on register before the store is asked (the public row may be disabled), nothing written', async () => {
      await expect(admin.register(acmeAdmin, takeover())).rejects.toMatchObject(refusal);
      expect(store.create).not.toHaveBeenCalled();
    });

    it('is refused on PUT and through an importer, and nothing is written', async () => {
      const { toolId: _toolId, ...body } = takeover();
      await expect(admin.update(acmeAdmin, 'test:destroy', body)).rejects.toMatchObject(refusal);
      await expect(admin.upsertMany(acmeAdmin, [takeover()], 'openapi')).rejects.toMatchObject(refusal);
      expect(store.update).not.toHaveBeenCalled();
      expect(store.create).not.toHaveBeenCalled();
    });
  });

  it("lets platform admins of 'public' write a provider tool's manifest (re-enable, tighten)", async () => {
    await expect(admin.register(platformAdmin, takeover())).resolves.toMatchObject({
      toolId: 'test:destroy',
      tenant: 'public',
    });
    const { toolId: _toolId, ...body } = takeover();
    await admin.update(platformAdmin, 'test:destroy', body);
    expect(store.create).toHaveBeenCalledTimes(1);
    expect(store.update).toHaveBeenCalledTimes(1);
  });

  it("lets a tenant admin register the provider's catalog-only tools (ids it does not list)", async () => {
    await expect(admin.register(acmeAdmin, { ...takeover(), toolId: 'test:lookup' })).resolves.toMatchObject({
      toolId: 'test:lookup',
      tenant: 'acme',
    });
    expect(store.create).toHaveBeenCalledWith(
      expect.objectContaining({ toolId: 'test:lookup', tenant: 'acme' }),
      'admin',
      'acme-admin',
    );
  });

  it("refuses a tenant's batch holding a shared tool's id whole, before writing any of it", async () => {
    const input = (toolId: string): ManifestInput => ({ ...takeover(), toolId });
    await expect(
      admin.upsertMany(acmeAdmin, [input('test:own-first'), input('test:shared')], 'openapi'),
    ).rejects.toMatchObject({ status: 409, code: 'CATALOG.DUPLICATE_TOOL' });
    expect(store.create).not.toHaveBeenCalled();
    expect(store.update).not.toHaveBeenCalled();
  });
});
