import { type TokenBroker } from '@toolgate/broker';
import { type ProviderRegistry, type RegisteredTool, toolIdOf } from '@toolgate/core';
import { makeManifest, makeManifestRow, makePrincipal, TestProviderService } from '@toolgate/testing';

import { DuplicateManifestException } from '../catalog.exception';
import { type CatalogService } from '../catalog.service';
import { MAX_SCHEMA_BYTES } from '../manifest/manifest-size.util';
import { type ManifestStore } from '../store/manifest-store.service';
import { type CatalogEvents } from '../sync/catalog-events.service';
import { type ManifestInput, ManifestAdminService } from './manifest-admin.service';

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
  let store: { create: jest.Mock; update: jest.Mock; upsertMany: jest.Mock };
  let events: { emit: jest.Mock };
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
      upsertMany: jest.fn(async (manifests: ManifestInput[]) =>
        manifests.map((manifest) => ({ row: makeManifestRow(manifest, 1), change: 'created' })),
      ),
    };
    const shared = makeManifest({ toolId: 'test:shared', tenant: 'public' });
    const catalog = {
      reload: jest.fn(async () => undefined),
      resolve: (toolId: string, { tenant }: { tenant: string }) =>
        tenant === 'public' && toolId === shared.toolId ? shared : undefined,
    } as unknown as CatalogService;
    events = { emit: jest.fn(async () => undefined) };
    admin = new ManifestAdminService(
      store as unknown as ManifestStore,
      catalog,
      fakeRegistry(),
      events as unknown as CatalogEvents,
      { maxToolsPerTenant: 5 },
    );
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
      expect(store.upsertMany).not.toHaveBeenCalled();
    });
  });

  it("lets platform admins of 'public' write a provider tool's manifest (re-enable, tighten)", async () => {
    await expect(admin.register(platformAdmin, takeover())).resolves.toMatchObject({
      toolId: 'test:destroy',
      tenant: 'public',
    });
    const { toolId: _toolId, ...body } = takeover();
    await admin.update(platformAdmin, 'test:destroy', body);
    expect(store.create).toHaveBeenCalledWith(expect.anything(), 'admin', 'root', undefined);
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
      5, // the tenant's cap (CATALOG_MAX_TOOLS_PER_TENANT); none for public
    );
  });

  it("refuses a tenant's batch holding a shared tool's id whole, before writing any of it", async () => {
    const input = (toolId: string): ManifestInput => ({ ...takeover(), toolId });
    await expect(
      admin.upsertMany(acmeAdmin, [input('test:own-first'), input('test:shared')], 'openapi'),
    ).rejects.toMatchObject({ status: 409, code: 'CATALOG.DUPLICATE_TOOL' });
    expect(store.upsertMany).not.toHaveBeenCalled();
  });

  describe('importer batches', () => {
    const input = (toolId: string): ManifestInput => ({ ...takeover(), toolId });

    it("writes the batch in one store call with the tenant's cap (none for public), emits what committed", async () => {
      const row = (toolId: string) => makeManifestRow({ toolId, tenant: 'acme' }, 1);
      store.upsertMany.mockResolvedValueOnce([
        { row: row('test:a'), change: 'created' },
        { row: row('test:b') },
      ]);
      await admin.upsertMany(acmeAdmin, [input('test:a'), input('test:b')], 'openapi');
      expect(store.upsertMany).toHaveBeenCalledWith(expect.any(Array), 'openapi', 'acme-admin', 5);
      expect(events.emit.mock.calls.map(([event]) => [event.type, event.toolId])).toEqual([
        ['manifest.registered', 'test:a'],
      ]);
      await admin.upsertMany(platformAdmin, [input('test:c')], 'mcp');
      expect(store.upsertMany).toHaveBeenLastCalledWith(expect.any(Array), 'mcp', 'root', undefined);
    });

    it('emits nothing when the store refuses the batch (it rolled back)', async () => {
      store.upsertMany.mockRejectedValueOnce(new DuplicateManifestException('test:b', 'public', true));
      await expect(
        admin.upsertMany(acmeAdmin, [input('test:a'), input('test:b')], 'openapi'),
      ).rejects.toMatchObject({ status: 409 });
      expect(events.emit).not.toHaveBeenCalled();
    });

    it('refuses a batch naming a tool twice (422, pointer of the second)', async () => {
      await expect(
        admin.upsertMany(acmeAdmin, [input('test:a'), input('test:b'), input('test:a')], 'openapi'),
      ).rejects.toMatchObject({ status: 422, errors: [{ pointer: '/2/toolId' }] });
      expect(store.upsertMany).not.toHaveBeenCalled();
    });
  });

  describe('manifest size', () => {
    const big = { type: 'object', description: 'x'.repeat(MAX_SCHEMA_BYTES) };

    it('refuses inputs or outputs over 256 KiB on register and PUT (422, pointer, limit), before the store', async () => {
      await expect(
        admin.register(acmeAdmin, { ...takeover(), toolId: 'test:big', inputs: big }),
      ).rejects.toMatchObject({
        status: 422,
        code: 'CATALOG.INVALID_MANIFEST',
        errors: [{ pointer: '/inputs', detail: expect.stringContaining('at most 262,144 bytes (256 KiB)') }],
      });
      const { toolId: _toolId, ...body } = takeover();
      await expect(admin.update(acmeAdmin, 'test:big', { ...body, outputs: big })).rejects.toMatchObject({
        status: 422,
        errors: [{ pointer: '/outputs', detail: expect.stringContaining('262,144 bytes') }],
      });
      expect(store.create).not.toHaveBeenCalled();
      expect(store.update).not.toHaveBeenCalled();
    });

    it('refuses an importer batch whose inlined $refs make one schema stand for 100 MB, writing none', async () => {
      let schema: Record<string, unknown> = { type: 'string', description: 'x'.repeat(100_000) };
      for (let level = 0; level < 3; level += 1) {
        const below = schema;
        schema = { type: 'object', properties: Object.fromEntries([...'abcdefghij'].map((k) => [k, below])) };
      }
      const batch = [
        { ...takeover(), toolId: 'test:small' },
        { ...takeover(), toolId: 'test:huge', inputs: schema },
      ];
      await expect(admin.upsertMany(acmeAdmin, batch, 'openapi')).rejects.toMatchObject({
        status: 422,
        errors: [{ pointer: '/inputs', detail: expect.stringContaining('input schema of test:huge') }],
      });
      expect(store.upsertMany).not.toHaveBeenCalled();
    });

    it('caps the whole manifest at 640 KiB (members the DTO does not bound for importers)', async () => {
      const wordy = { ...takeover(), toolId: 'test:wordy', description: 'x'.repeat(700 * 1024) };
      await expect(admin.upsertMany(platformAdmin, [wordy], 'mcp')).rejects.toMatchObject({
        status: 422,
        errors: [{ pointer: '', detail: expect.stringContaining('at most 655,360 bytes (640 KiB)') }],
      });
    });
  });
});
