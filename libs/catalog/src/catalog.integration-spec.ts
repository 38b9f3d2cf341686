import { type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';

import {
  createTestDatabase,
  makeManifest,
  makePrincipal,
  runSql,
  startCatalogModule,
} from '@toolgate/testing';

import { CatalogService } from './catalog.service';
import { ManifestEntity } from './entities/manifest.entity';
import { SchemaValidatorService } from './lookup/schema-validator.service';
import { manifestFromTool } from './manifest/manifest.util';
import { ManifestStore } from './store/manifest-store.service';
import { CatalogEvents, type ManifestChangeEvent } from './sync/catalog-events.service';
import { CatalogChangeListener } from './sync/catalog-listener.service';
import { CatalogSyncService } from './sync/catalog-sync.service';

/** One gateway replica's catalog: its own pool, its own LISTEN connection, the test provider mounted. */
const startReplica = (url: string): Promise<TestingModule> =>
  startCatalogModule(url, [
    ManifestStore,
    CatalogService,
    CatalogChangeListener,
    CatalogSyncService,
    CatalogEvents,
    SchemaValidatorService,
  ]);

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 20));
  }
}

const versionsOf = (url: string, toolId: string, tenant = 'public') =>
  runSql<{ version: number; change: string; disabled: boolean }>(
    url,
    'SELECT version, change, disabled FROM manifest_versions WHERE tenant = $1 AND tool_id = $2 ORDER BY version',
    [tenant, toolId],
  );

describe('catalog against Postgres (integration)', () => {
  let url: string;
  let a: TestingModule;
  let b: TestingModule;
  const acme = makePrincipal({ tenant: 'acme' });

  beforeAll(async () => {
    url = await createTestDatabase('catalog');
    a = await startReplica(url);
    b = await startReplica(url);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  describe('provider sync at boot', () => {
    it('upserts every provider tool as a public manifest, version 1, with its history row', async () => {
      const rows = await runSql<{ tool_id: string; version: number; source: string; safety_tags: string[] }>(
        url,
        "SELECT tool_id, version, source, safety_tags FROM manifests WHERE tenant = 'public' ORDER BY tool_id",
      );
      expect(rows).toEqual([
        { tool_id: 'test:destroy', version: 1, source: 'provider', safety_tags: ['destructive'] },
        { tool_id: 'test:echo', version: 1, source: 'provider', safety_tags: ['read-only'] },
        { tool_id: 'test:fail', version: 1, source: 'provider', safety_tags: [] },
        { tool_id: 'test:fetch', version: 1, source: 'provider', safety_tags: ['read-only'] },
        { tool_id: 'test:slow', version: 1, source: 'provider', safety_tags: ['read-only'] },
      ]);
      expect(await versionsOf(url, 'test:echo')).toEqual([
        { version: 1, change: 'created', disabled: false },
      ]);
      expect(a.get(CatalogService).resolve('test:echo', acme)).toMatchObject({
        version: 1,
        tenant: 'public',
      });
    });

    it('writes nothing when the tools are unchanged (second replica booted, then a re-sync)', async () => {
      const before = await runSql(url, 'SELECT tool_id, version, updated_at FROM manifests ORDER BY tool_id');
      const outcomes = await a.get(CatalogSyncService).syncProviders();
      expect(new Set(outcomes.map((outcome) => outcome.plan))).toEqual(new Set(['unchanged']));
      expect(
        await runSql(url, 'SELECT tool_id, version, updated_at FROM manifests ORDER BY tool_id'),
      ).toEqual(before);
      expect(await versionsOf(url, 'test:echo')).toHaveLength(1);
    });

    it('bumps the version and keeps history when a tool changes; concurrent replicas do not collide', async () => {
      const store = a.get(ManifestStore);
      const echo = manifestFromTool({
        toolId: 'test:slow',
        providerKey: 'test',
        definition: {
          name: 'slow',
          description: 'Sleeps (v2).',
          inputs: { type: 'object' },
          required_scopes: [],
          safety_tags: [],
        },
      });
      const [first, second] = await Promise.all([
        store.syncProviderManifests([echo]),
        b.get(ManifestStore).syncProviderManifests([echo]),
      ]);
      expect([first[0].plan, second[0].plan].sort()).toEqual(['unchanged', 'update']);
      expect(await versionsOf(url, 'test:slow')).toEqual([
        { version: 1, change: 'created', disabled: false },
        { version: 2, change: 'updated', disabled: false },
      ]);
      const restored = await a.get(CatalogSyncService).syncProviders();
      expect(restored.find((outcome) => outcome.toolId === 'test:slow')).toMatchObject({
        plan: 'update',
        version: 3,
      });
    });

    it('leaves a manifest an admin took over alone', async () => {
      const store = a.get(ManifestStore);
      await store.update(
        makeManifest({ toolId: 'test:fail', description: 'Admin wording.' }),
        'admin',
        'root',
      );
      const outcomes = await a.get(CatalogSyncService).syncProviders();
      expect(outcomes.find((outcome) => outcome.toolId === 'test:fail')).toMatchObject({
        plan: 'skip',
        version: 2,
      });
      const [row] = await runSql<{ description: string }>(
        url,
        "SELECT manifest->>'description' AS description FROM manifests WHERE tool_id = 'test:fail'",
      );
      expect(row.description).toBe('Admin wording.');
    });
  });

  describe('admin writes and history', () => {
    it('refuses a duplicate, and a tenant manifest shadowing a public one', async () => {
      const store = a.get(ManifestStore);
      await store.create(makeManifest({ toolId: 'test:acme-tool', tenant: 'acme' }), 'admin', 'alice');
      await expect(
        store.create(makeManifest({ toolId: 'test:acme-tool', tenant: 'acme' }), 'admin', 'alice'),
      ).rejects.toMatchObject({ status: 409 });
      await expect(
        store.create(makeManifest({ toolId: 'test:echo', tenant: 'acme' }), 'admin', 'alice'),
      ).rejects.toMatchObject({ status: 409, code: 'CATALOG.DUPLICATE_TOOL' });
    });

    it('refuses a tenant manifest whose id public holds disabled; public itself re-creates it', async () => {
      const store = a.get(ManifestStore);
      await store.create(makeManifest({ toolId: 'test:retired' }), 'admin', 'root');
      await store.disable('public', 'test:retired', 'root');
      await expect(
        store.create(makeManifest({ toolId: 'test:retired', tenant: 'acme' }), 'admin', 'alice'),
      ).rejects.toMatchObject({
        status: 409,
        code: 'CATALOG.DUPLICATE_TOOL',
        detail: expect.stringContaining('for tenant public (disabled)'),
        extensions: { toolId: 'test:retired', tenant: 'public' },
      });
      expect(await versionsOf(url, 'test:retired', 'acme')).toEqual([]);
      await expect(
        store.create(makeManifest({ toolId: 'test:retired' }), 'admin', 'root'),
      ).resolves.toMatchObject({ tenant: 'public', version: 3, disabled: false });
    });

    it('disables on delete, keeps every version, and re-creates as the next version', async () => {
      const store = a.get(ManifestStore);
      await store.create(makeManifest({ toolId: 'test:temp', tenant: 'acme' }), 'admin', 'alice');
      await store.update(
        makeManifest({ toolId: 'test:temp', tenant: 'acme', description: 'v2' }),
        'admin',
        'alice',
      );
      await store.disable('acme', 'test:temp', 'alice');
      await expect(store.disable('acme', 'test:temp', 'alice')).rejects.toMatchObject({ status: 404 });
      await store.create(makeManifest({ toolId: 'test:temp', tenant: 'acme' }), 'admin', 'bob');
      expect(await versionsOf(url, 'test:temp', 'acme')).toEqual([
        { version: 1, change: 'created', disabled: false },
        { version: 2, change: 'updated', disabled: false },
        { version: 3, change: 'disabled', disabled: true },
        { version: 4, change: 'created', disabled: false },
      ]);
      expect((await store.history('acme', 'test:temp')).map((entry) => entry.changedBy)).toEqual([
        'alice',
        'alice',
        'alice',
        'bob',
      ]);
    });
  });

  describe('invalidation through LISTEN/NOTIFY', () => {
    it('reaches the other replica: created, updated and disabled manifests, tenant-scoped', async () => {
      const catalogB = b.get(CatalogService);
      await a
        .get(ManifestStore)
        .create(makeManifest({ toolId: 'test:notified', tenant: 'acme' }), 'admin', 'alice');
      await eventually(() => catalogB.resolve('test:notified', acme) !== undefined);
      expect(catalogB.resolve('test:notified', makePrincipal({ tenant: 'globex' }))).toBeUndefined();
      await a
        .get(ManifestStore)
        .update(
          makeManifest({ toolId: 'test:notified', tenant: 'acme', description: 'new' }),
          'admin',
          'alice',
        );
      await eventually(() => catalogB.resolve('test:notified', acme)?.version === 2);
      await a.get(ManifestStore).disable('acme', 'test:notified', 'alice');
      await eventually(() => catalogB.resolve('test:notified', acme) === undefined);
    });

    it('reconnects after its connection is killed and catches up', async () => {
      const listenerB = b.get(CatalogChangeListener);
      const killed = await runSql(
        url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'toolgate-catalog-listener' AND datname = current_database()",
      );
      expect(killed).toHaveLength(2); // one listener per replica
      await eventually(() => !listenerB.listening, 2_000);
      await a
        .get(ManifestStore)
        .create(makeManifest({ toolId: 'test:after-kill', tenant: 'acme' }), 'admin', 'alice');
      await eventually(() => b.get(CatalogService).resolve('test:after-kill', acme) !== undefined, 10_000);
      expect(listenerB.listening).toBe(true);
    });

    it('lets the resolve hot path run without touching the database', async () => {
      const catalog = b.get(CatalogService);
      const query = jest.spyOn(b.get(DataSource), 'query');
      const find = jest.spyOn(b.get(DataSource).getRepository(ManifestEntity), 'find');
      for (let i = 0; i < 100; i += 1) catalog.resolve('test:echo', acme);
      expect(query).not.toHaveBeenCalled();
      expect(find).not.toHaveBeenCalled();
    });
  });

  it('announces committed changes through CatalogEvents', async () => {
    const seen: ManifestChangeEvent[] = [];
    const unsubscribe = a.get(CatalogEvents).subscribe((event) => void seen.push(event));
    const store = a.get(ManifestStore);
    const changed = makeManifest({ toolId: 'test:echo', description: 'Echo, reworded by the provider.' });
    await store.syncProviderManifests([changed]);
    expect(seen).toEqual([]); // the store does not emit; the services that commit do
    await a.get(CatalogSyncService).syncProviders();
    unsubscribe();
    expect(seen.map((event) => [event.type, event.toolId, event.actor.subject])).toEqual([
      ['manifest.synced', 'test:echo', 'provider-sync'],
    ]);
  });
});
