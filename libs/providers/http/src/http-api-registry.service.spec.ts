import { Logger } from '@nestjs/common';
import { CredentialUnavailableException, TokenBroker } from '@toolgate/broker';
import { type CatalogService } from '@toolgate/catalog';
import { type Repository } from 'typeorm';

import { type HttpApiEntity } from './entities/http-api.entity';
import { HttpApiRegistry } from './http-api-registry.service';

const row = (version: number) =>
  ({
    tenant: 'public',
    name: 'pets',
    baseUrl: 'http://127.0.0.1:9/v1',
    auth: null,
    operations: [
      { operationId: 'list', toolId: 'http.pets:list', method: 'GET', path: '/pets', parameters: [] },
    ],
    version,
  }) as unknown as HttpApiEntity;

/** A repository whose reads the test releases by hand. */
function slowRepository() {
  const waiting: Array<() => void> = [];
  let version = 1;
  const repository = {
    findOne: jest.fn(() => {
      const answer = row(version);
      return new Promise((resolve) => waiting.push(() => resolve(answer)));
    }),
    release: () => waiting.splice(0).forEach((done) => done()),
    releaseNewest: () => waiting.pop()?.(),
    bump: () => (version += 1),
  };
  return repository;
}

function makeRegistry(repository: ReturnType<typeof slowRepository>, broker = {} as TokenBroker) {
  let reload: () => void = () => undefined;
  const catalog = { onReload: (listener: () => void) => (reload = listener) } as unknown as CatalogService;
  const registry = new HttpApiRegistry(repository as unknown as Repository<HttpApiEntity>, broker, catalog);
  registry.onModuleInit();
  return { registry, reload: () => reload() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('HttpApiRegistry', () => {
  it('reads a definition once for a burst of calls on a cold cache, then serves it from the cache', async () => {
    const repository = slowRepository();
    const { registry } = makeRegistry(repository);
    const burst = Array.from({ length: 50 }, () => registry.resolve('public', 'pets', 'http.pets:list'));
    await tick();
    repository.release();
    const found = await Promise.all(burst);
    expect(repository.findOne).toHaveBeenCalledTimes(1);
    expect(new Set(found.map((entry) => entry?.api.version))).toEqual(new Set([1]));
    expect((await registry.resolve('public', 'pets', 'http.pets:list'))?.operation.toolId).toBe(
      'http.pets:list',
    );
    expect(repository.findOne).toHaveBeenCalledTimes(1);
  });

  it('does not cache a read that started before a catalog reload', async () => {
    const repository = slowRepository();
    const { registry, reload } = makeRegistry(repository);
    const stale = registry.resolve('public', 'pets', 'http.pets:list');
    await tick();
    repository.bump();
    reload();
    const fresh = registry.resolve('public', 'pets', 'http.pets:list');
    await tick();
    repository.releaseNewest();
    expect((await fresh)?.api.version).toBe(2);
    repository.release(); // the older read answers last
    expect((await stale)?.api.version).toBe(1);
    expect((await registry.resolve('public', 'pets', 'http.pets:list'))?.api.version).toBe(2);
    expect(repository.findOne).toHaveBeenCalledTimes(2);
  });

  it("reads the API of the tenant it is given only: a tenant's row never stands in for the shared one", async () => {
    const findOne = jest.fn(async ({ where }: { where: { tenant: string } }) => ({
      ...row(1),
      tenant: where.tenant,
    }));
    const { registry } = makeRegistry({ findOne } as unknown as ReturnType<typeof slowRepository>);
    expect((await registry.resolve('public', 'pets', 'http.pets:list'))?.api.tenant).toBe('public');
    findOne.mockResolvedValue(null as never);
    expect(await registry.resolve('acme', 'pets', 'http.pets:list')).toBeUndefined();
    expect(findOne.mock.calls.map(([query]) => query.where)).toEqual([
      { tenant: 'public', name: 'pets' },
      { tenant: 'acme', name: 'pets' },
    ]);
  });

  describe('credentials of stored APIs', () => {
    const exchange = { scopes: ['http.pets'], subject: 'agent', tenant: 'acme', purpose: 'http.pets:list' };
    const stored = (tenant: string, secretEnv: string) => ({
      ...row(1),
      tenant,
      auth: { type: 'bearer' as const, secret_env: secretEnv },
    });
    beforeAll(() => {
      process.env.PIPEDRIVE_API_TOKEN = 'gateway-wide-secret';
      process.env.HTTP_API_ACME__PETS = 'acme-pets-secret';
    });
    afterAll(() => {
      delete process.env.PIPEDRIVE_API_TOKEN;
      delete process.env.HTTP_API_ACME__PETS;
    });

    it('never reads a variable outside the API namespace: 503 as if unset, logged once', async () => {
      const broker = new TokenBroker();
      const { registry } = makeRegistry(slowRepository(), broker);
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        for (const api of [stored('acme', 'PIPEDRIVE_API_TOKEN'), stored('acme', 'HTTP_API_GLOBEX_X')]) {
          const key = registry.credentialSource(api) ?? '';
          registry.credentialSource(api);
          const refused = await broker.exchange(key, exchange).catch((error: unknown) => error);
          expect(refused).toBeInstanceOf(CredentialUnavailableException);
          expect(JSON.stringify(refused)).not.toContain('gateway-wide-secret');
        }
        expect(warn).toHaveBeenCalledTimes(2);
        expect(warn.mock.calls[0][0]).toMatch(
          /pets of tenant acme gets no credential: .*HTTP_API_ACME__<NAME>/,
        );
      } finally {
        warn.mockRestore();
      }
    });

    it('reads a variable inside the namespace', async () => {
      const broker = new TokenBroker();
      const { registry } = makeRegistry(slowRepository(), broker);
      const key = registry.credentialSource(stored('acme', 'HTTP_API_ACME__PETS')) ?? '';
      expect((await broker.exchange(key, exchange))?.access_token).toBe('acme-pets-secret');
    });
  });
});
