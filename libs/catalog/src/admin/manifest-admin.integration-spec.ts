import { type TestingModule } from '@nestjs/testing';

import { createTestDatabase, makePrincipal, runSql, startCatalogModule } from '@toolgate/testing';

import { catalogConfig } from '../catalog.config';
import { CatalogService } from '../catalog.service';
import { ManifestStore } from '../store/manifest-store.service';
import { CatalogEvents, type ManifestChangeEvent } from '../sync/catalog-events.service';
import { type ManifestInput, ManifestAdminService } from './manifest-admin.service';

const MAX_TOOLS = 3;

const tool = (toolId: string, safety_tags: string[] = []): ManifestInput => ({
  toolId,
  name: toolId.split(':')[1],
  description: `${toolId} (${safety_tags.join(', ') || 'untagged'})`,
  inputs: { type: 'object' },
  required_scopes: [],
  provider_id: 'test',
  safety_tags,
});

describe('ManifestAdminService against Postgres (integration)', () => {
  let url: string;
  let moduleRef: TestingModule;
  let admin: ManifestAdminService;
  const platform = makePrincipal({ tenant: 'public', subject: 'root' });

  const rowsOf = (tenant: string) =>
    runSql<{ tool_id: string; version: number; disabled: boolean; safety_tags: string[] }>(
      url,
      'SELECT tool_id, version, disabled, safety_tags FROM manifests WHERE tenant = $1 ORDER BY tool_id',
      [tenant],
    );
  const versionCount = async (tenant: string) =>
    (await runSql(url, 'SELECT 1 FROM manifest_versions WHERE tenant = $1', [tenant])).length;

  beforeAll(async () => {
    url = await createTestDatabase('catalog_admin');
    moduleRef = await startCatalogModule(url, [
      ManifestStore,
      CatalogService,
      CatalogEvents,
      ManifestAdminService,
      { provide: catalogConfig.KEY, useValue: { maxToolsPerTenant: MAX_TOOLS } },
    ]);
    admin = moduleRef.get(ManifestAdminService);
  });

  afterAll(() => moduleRef?.close());

  it('commits none of a batch refused with 409 by an id public holds disabled (found only in the transaction)', async () => {
    const acme = makePrincipal({ tenant: 'acme', subject: 'acme-admin' });
    await admin.upsertMany(acme, [tool('test:items', ['destructive'])], 'openapi');
    await admin.upsertMany(platform, [tool('test:refund', ['write'])], 'openapi');
    await admin.disable(platform, 'test:refund'); // gone from the in-memory catalog the first check reads
    const before = { rows: await rowsOf('acme'), versions: await versionCount('acme') };
    const seen: ManifestChangeEvent[] = [];
    const unsubscribe = moduleRef.get(CatalogEvents).subscribe((event) => void seen.push(event));

    const refused = admin.upsertMany(
      acme,
      [tool('test:items', ['read-only']), tool('test:refund')],
      'openapi',
    );
    await expect(refused).rejects.toMatchObject({
      status: 409,
      code: 'CATALOG.DUPLICATE_TOOL',
      detail: expect.stringContaining('for tenant public (disabled)'),
    });
    unsubscribe();

    expect({ rows: await rowsOf('acme'), versions: await versionCount('acme') }).toEqual(before);
    expect(before.rows).toEqual([
      { tool_id: 'test:items', version: 1, disabled: false, safety_tags: ['destructive'] },
    ]);
    expect(seen).toEqual([]); // no audit event for a write that did not happen
    await moduleRef.get(CatalogService).reload();
    expect(moduleRef.get(CatalogService).resolve('test:items', acme)).toMatchObject({
      version: 1,
      safety_tags: ['destructive'],
    });
  });

  it(`caps a tenant's enabled manifests (CATALOG_MAX_TOOLS_PER_TENANT, ${MAX_TOOLS} here), not public's`, async () => {
    const globex = makePrincipal({ tenant: 'globex', subject: 'globex-admin' });
    await admin.upsertMany(globex, [tool('test:g1'), tool('test:g2')], 'openapi');
    await admin.register(globex, tool('test:g3'));
    const before = await rowsOf('globex');
    const batch = [tool('test:g1', ['read-only']), tool('test:g4')];
    await expect(admin.upsertMany(globex, batch, 'openapi')).rejects.toMatchObject({
      status: 409,
      code: 'CATALOG.TOO_MANY_TOOLS',
      detail: expect.stringContaining('at most 3 enabled manifests (CATALOG_MAX_TOOLS_PER_TENANT)'),
    });
    await expect(admin.register(globex, tool('test:g4'))).rejects.toMatchObject({ status: 409 });
    expect(await rowsOf('globex')).toEqual(before); // the update in the refused batch is not written
    await admin.disable(globex, 'test:g3');
    await expect(admin.upsertMany(globex, batch, 'openapi')).resolves.toHaveLength(2);

    const shared = ['p1', 'p2', 'p3', 'p4'].map((name) => tool(`test:${name}`));
    await expect(admin.upsertMany(platform, shared, 'mcp')).resolves.toHaveLength(4);
  });

  it('lets only one of two concurrent batches past the cap (the tenant lock)', async () => {
    const initech = makePrincipal({ tenant: 'initech', subject: 'initech-admin' });
    // Widen the race: each check of a batch, once done, waits (up to 300 ms) for the other batch's
    // transaction to have done as many; the tenant lock keeps that one out until the first one commits.
    type Planner = { plan: (em: unknown, ...rest: unknown[]) => Promise<unknown> };
    const store = moduleRef.get(ManifestStore) as unknown as Planner;
    const plan = store.plan.bind(store);
    const checked = new Map<unknown, number>();
    const spy = jest.spyOn(store, 'plan').mockImplementation(async (em, ...rest) => {
      const planned = await plan(em, ...rest);
      const mine = (checked.get(em) ?? 0) + 1;
      checked.set(em, mine);
      const until = Date.now() + 300;
      const level = () => checked.size === 2 && [...checked.values()].every((count) => count >= mine);
      while (!level() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
      return planned;
    });
    const results = await Promise.allSettled([
      admin.upsertMany(initech, [tool('test:a1'), tool('test:a2')], 'openapi'),
      admin.upsertMany(initech, [tool('test:b1'), tool('test:b2')], 'openapi'),
    ]);
    spy.mockRestore();
    expect(results.map(({ status }) => status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await rowsOf('initech')).toHaveLength(2);
  });
});
