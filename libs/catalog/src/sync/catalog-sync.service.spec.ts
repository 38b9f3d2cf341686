import { type ProviderRegistry, type RegisteredTool } from '@toolgate/core';

import { type CatalogService } from '../catalog.service';
import { MAX_MANIFEST_BYTES } from '../manifest/manifest-size.util';
import { type ManifestStore } from '../store/manifest-store.service';
import { type CatalogEvents } from './catalog-events.service';
import { type CatalogChangeListener } from './catalog-listener.service';
import { CatalogSyncService } from './catalog-sync.service';

describe('CatalogSyncService', () => {
  it("syncs a provider's own tools at boot whatever their size: the admin size caps never refuse them", async () => {
    const inputs = { type: 'object', description: 'x'.repeat(MAX_MANIFEST_BYTES) };
    const tool: RegisteredTool = {
      toolId: 'test:large',
      providerKey: 'test',
      definition: { name: 'large', description: 'Large.', inputs, required_scopes: [], safety_tags: [] },
    };
    const registry = { tools: () => [tool] } as unknown as ProviderRegistry;
    const store = {
      syncProviderManifests: jest.fn(async () => [{ toolId: 'test:large', plan: 'insert', version: 1 }]),
    };
    const events = { emit: jest.fn(async () => undefined) };
    const sync = new CatalogSyncService(
      registry,
      store as unknown as ManifestStore,
      {} as CatalogService,
      {} as CatalogChangeListener,
      events as unknown as CatalogEvents,
    );
    await expect(sync.syncProviders()).resolves.toEqual([
      { toolId: 'test:large', plan: 'insert', version: 1 },
    ]);
    expect(store.syncProviderManifests).toHaveBeenCalledWith([expect.objectContaining({ inputs })]);
  });
});
