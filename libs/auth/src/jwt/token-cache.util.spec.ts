import { TokenCache } from './token-cache.util';

describe('TokenCache', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('keys entries by the token hash, never the token', () => {
    const key = TokenCache.keyOf('eyJ.secret.token');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain('secret');
    expect(TokenCache.keyOf('eyJ.secret.token')).toBe(key);
    expect(TokenCache.keyOf('eyJ.secret.tokem')).not.toBe(key);
  });

  it('keeps an entry for at most the ttl', () => {
    const cache = new TokenCache<string>(60_000, 10, clock);
    cache.set('k', 'v', now / 1000 + 3600);
    now += 59_999;
    expect(cache.get('k')).toBe('v');
    now += 1;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never keeps an entry past the token exp', () => {
    const cache = new TokenCache<string>(60_000, 10, clock);
    cache.set('k', 'v', now / 1000 + 5);
    now += 4_999;
    expect(cache.get('k')).toBe('v');
    now += 1;
    expect(cache.get('k')).toBeUndefined();
  });

  it('does not store an already expired token', () => {
    const cache = new TokenCache<string>(60_000, 10, clock);
    cache.set('k', 'v', now / 1000 - 1);
    expect(cache.size).toBe(0);
  });

  it('is bounded, evicting the oldest entry', () => {
    const cache = new TokenCache<number>(60_000, 3, clock);
    for (let i = 0; i < 5; i += 1) cache.set(`k${i}`, i, now / 1000 + 600);
    expect(cache.size).toBe(3);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k4')).toBe(4);
  });

  it('is disabled with a ttl or size of 0', () => {
    const noTtl = new TokenCache<string>(0, 10, clock);
    noTtl.set('k', 'v', now / 1000 + 600);
    expect(noTtl.get('k')).toBeUndefined();
    const noSize = new TokenCache<string>(60_000, 0, clock);
    noSize.set('k', 'v', now / 1000 + 600);
    expect(noSize.get('k')).toBeUndefined();
  });
});
