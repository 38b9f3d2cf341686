import { createTestSigningKey, buildTestJwks } from '../testing/test-keys.util';
import { JwksCache } from './jwks-cache.util';

const keyA = createTestSigningKey('RS256', 'key-a');
const keyB = createTestSigningKey('ES256', 'key-b');

function setup(initial: unknown, options: { cooldownMs?: number; maxAgeMs?: number } = {}) {
  let now = 1_000_000;
  let document: unknown = initial;
  let failing = false;
  const errors: unknown[] = [];
  const fetcher = jest.fn(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (failing) throw new Error('IdP down');
    return document;
  });
  const cache = new JwksCache({
    fetcher,
    cooldownMs: options.cooldownMs ?? 30_000,
    maxAgeMs: options.maxAgeMs ?? 600_000,
    now: () => now,
    onError: (error) => errors.push(error),
  });
  return {
    cache,
    fetcher,
    errors,
    advance: (ms: number) => (now += ms),
    serve: (next: unknown) => (document = next),
    fail: (value: boolean) => (failing = value),
  };
}

describe('JwksCache', () => {
  it('imports the keys once and serves known kids without fetching again', async () => {
    const t = setup(buildTestJwks(keyA, keyB));
    await t.cache.refresh();
    for (let i = 0; i < 10; i += 1) {
      expect((await t.cache.get('key-a'))?.alg).toBe('RS256');
      expect((await t.cache.get('key-b'))?.alg).toBe('ES256');
    }
    expect(t.fetcher).toHaveBeenCalledTimes(1);
  });

  it('refetches for an unknown kid at most once per cooldown, sharing one fetch between callers', async () => {
    const t = setup(buildTestJwks(keyA));
    await t.cache.refresh();
    t.advance(30_000);
    const storm = await Promise.all(Array.from({ length: 200 }, (_, i) => t.cache.get(`random-${i}`)));
    expect(storm.every((key) => key === undefined)).toBe(true);
    expect(t.fetcher).toHaveBeenCalledTimes(2);
    t.advance(29_999);
    expect(await t.cache.get('random-again')).toBeUndefined();
    expect(t.fetcher).toHaveBeenCalledTimes(2);
    t.advance(1);
    await t.cache.get('random-again');
    expect(t.fetcher).toHaveBeenCalledTimes(3);
  });

  it('follows rotation: a new kid is fetched, a dropped one stops resolving', async () => {
    const t = setup(buildTestJwks(keyA));
    await t.cache.refresh();
    t.serve(buildTestJwks(keyB));
    t.advance(30_000);
    const concurrent = await Promise.all(Array.from({ length: 50 }, () => t.cache.get('key-b')));
    expect(concurrent.every((key) => key?.kid === 'key-b')).toBe(true);
    expect(t.fetcher).toHaveBeenCalledTimes(2);
    expect(await t.cache.get('key-a')).toBeUndefined();
  });

  it('keeps the same key object across a refetch that changed nothing, a new one when the material changed', async () => {
    const t = setup(buildTestJwks(keyA, keyB));
    await t.cache.refresh();
    const [a, b] = [await t.cache.get('key-a'), await t.cache.get('key-b')];
    t.advance(30_000);
    expect(await t.cache.get('unknown')).toBeUndefined(); // a refetch of the same set
    expect(t.fetcher).toHaveBeenCalledTimes(2);
    expect(await t.cache.get('key-a')).toBe(a);
    expect(await t.cache.get('key-b')).toBe(b);
    // The same kid with other key material is a new key: tokens cached under the old one are checked again.
    t.serve(buildTestJwks(createTestSigningKey('RS256', 'key-a'), keyB));
    t.advance(30_000);
    await t.cache.refresh();
    expect(await t.cache.get('key-a')).not.toBe(a);
    expect(await t.cache.get('key-b')).toBe(b);
  });

  it('keeps the cached keys when the IdP fails or serves no usable key', async () => {
    const t = setup(buildTestJwks(keyA));
    await t.cache.refresh();
    t.fail(true);
    t.advance(30_000);
    expect(await t.cache.get('unknown')).toBeUndefined();
    expect((await t.cache.get('key-a'))?.kid).toBe('key-a');
    t.fail(false);
    t.serve({ keys: [] });
    t.advance(30_000);
    await t.cache.get('unknown');
    expect((await t.cache.get('key-a'))?.kid).toBe('key-a');
    expect(t.errors).toHaveLength(2);
  });

  it('refreshes in the background once the set is older than max age, still answering from cache', async () => {
    const t = setup(buildTestJwks(keyA), { maxAgeMs: 60_000 });
    await t.cache.refresh();
    t.advance(60_001);
    t.serve(buildTestJwks(keyB));
    expect((await t.cache.get('key-a'))?.kid).toBe('key-a');
    expect(t.fetcher).toHaveBeenCalledTimes(2);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await t.cache.get('key-a')).toBeUndefined();
  });
});
