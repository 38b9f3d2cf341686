import { CatalogService, RELOAD_RETRY_MIN_MS } from './catalog.service';
import { type ManifestEntity } from './entities/manifest.entity';
import { type ManifestStore } from './store/manifest-store.service';

function row(toolId: string): ManifestEntity {
  return {
    toolId,
    tenant: 'public',
    version: 1,
    source: 'admin',
    manifest: { toolId, name: toolId, description: 'd', inputs: { type: 'object' } },
  } as unknown as ManifestEntity;
}

describe('CatalogService', () => {
  afterEach(() => jest.useRealTimers());

  it('retries a failed notified reload with backoff until one succeeds', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    let failures = 2;
    const loadActive = jest.fn(async () => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('connection refused');
      }
      return [row('test:echo')];
    });
    const catalog = new CatalogService({ loadActive } as unknown as ManifestStore);
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    catalog.scheduleReload();
    await settle();
    expect(loadActive).toHaveBeenCalledTimes(1);
    expect(catalog.resolve('test:echo', { tenant: 'acme' })).toBeUndefined();

    await jest.advanceTimersByTimeAsync(RELOAD_RETRY_MIN_MS);
    await settle();
    expect(loadActive).toHaveBeenCalledTimes(2);

    await jest.advanceTimersByTimeAsync(2 * RELOAD_RETRY_MIN_MS);
    await settle();
    expect(loadActive).toHaveBeenCalledTimes(3);
    expect(catalog.resolve('test:echo', { tenant: 'acme' })?.toolId).toBe('test:echo');

    await jest.advanceTimersByTimeAsync(60_000);
    expect(loadActive).toHaveBeenCalledTimes(3);
  });

  it('stops retrying once the module is destroyed', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const loadActive = jest.fn(async () => {
      throw new Error('down');
    });
    const catalog = new CatalogService({ loadActive } as unknown as ManifestStore);
    catalog.scheduleReload();
    await new Promise((resolve) => setImmediate(resolve));
    catalog.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(loadActive).toHaveBeenCalledTimes(1);
  });
});
