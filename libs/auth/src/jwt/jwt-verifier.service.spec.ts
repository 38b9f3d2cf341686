import { loadAuthConfig } from '../auth.config';
import { InvalidTokenException } from '../auth.exception';
import { type KeyStoreService } from '../jwks/key-store.service';
import { importKeySet } from '../jwks/key-set.util';
import { buildTestJwks, createTestSigningKey, signWithTestKey } from '../testing/test-keys.util';
import { JwtVerifierService } from './jwt-verifier.service';

const rsa = createTestSigningKey('RS256', 'rsa');
const ec = createTestSigningKey('ES256', 'ec');
const KEYS = importKeySet(buildTestJwks(rsa, ec)).keys;
const OPTIONS = { issuer: 'https://idp.local', audience: 'toolgate' };
const CLAIMS = { tenant: 'acme', roles: ['agent'], scope: 'a.read b.write' };

function makeVerifier(env: Record<string, string> = {}, keys = new Map(KEYS)) {
  const resolve = jest.fn(async (kid: string) => keys.get(kid));
  const current = (kid: string) => keys.get(kid);
  const store = { resolve, current } as unknown as KeyStoreService;
  const verifier = new JwtVerifierService(loadAuthConfig(env), store);
  return { verifier, resolve, keys };
}

describe('JwtVerifierService', () => {
  it('verifies RS256 and ES256 tokens into principals', async () => {
    const { verifier } = makeVerifier();
    for (const key of [rsa, ec]) {
      const principal = await verifier.verify(await signWithTestKey(key, CLAIMS, OPTIONS));
      expect(principal).toMatchObject({
        subject: 'test-agent',
        tenant: 'acme',
        roles: ['agent'],
        kind: 'jwt',
      });
      expect(principal.scopes).toEqual(['a.read', 'b.write']);
    }
  });

  it('serves a reused token from the verified-token cache without resolving a key again', async () => {
    const { verifier, resolve } = makeVerifier();
    const token = await signWithTestKey(rsa, CLAIMS, OPTIONS);
    const first = await verifier.verify(token);
    for (let i = 0; i < 20; i += 1) expect(await verifier.verify(token)).toBe(first);
    expect(resolve).toHaveBeenCalledTimes(1);
  });

  it('stops serving a cached token once its kid is dropped or its key replaced', async () => {
    const { verifier, keys } = makeVerifier();
    const token = await signWithTestKey(rsa, CLAIMS, OPTIONS);
    await verifier.verify(token);
    keys.delete('rsa');
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'unknown kid' });

    const rotated = makeVerifier();
    await rotated.verifier.verify(token);
    const other = createTestSigningKey('RS256', 'rsa');
    rotated.keys.set('rsa', importKeySet(buildTestJwks(other)).keys.get('rsa')!);
    await expect(rotated.verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenException);
  });

  it('verifies every time when the cache is disabled', async () => {
    const { verifier, resolve } = makeVerifier({ JWT_CACHE_TTL_SEC: '0' });
    const token = await signWithTestKey(rsa, CLAIMS, OPTIONS);
    await verifier.verify(token);
    await verifier.verify(token);
    expect(resolve).toHaveBeenCalledTimes(2);
  });

  it('does not serve a cached token past its exp', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const { verifier } = makeVerifier({ JWT_CLOCK_SKEW_SEC: '0' });
      const token = await signWithTestKey(rsa, CLAIMS, { ...OPTIONS, ttlSeconds: 5 });
      await verifier.verify(token);
      jest.advanceTimersByTime(6_000);
      await expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenException);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a token whose alg does not match the key of its kid', async () => {
    const { verifier } = makeVerifier();
    const token = await signWithTestKey(ec, CLAIMS, { ...OPTIONS, header: { kid: 'rsa' } });
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'alg does not match the key' });
  });

  it('honours configured claim names, issuer and audience', async () => {
    const { verifier } = makeVerifier({
      JWT_ISSUER: 'https://login.acme',
      JWT_AUDIENCE: 'gw',
      JWT_TENANT_CLAIM: 'org',
    });
    const options = { issuer: 'https://login.acme', audience: 'gw' };
    expect((await verifier.verify(await signWithTestKey(rsa, { org: 'o1' }, options))).tenant).toBe('o1');
    await expect(verifier.verify(await signWithTestKey(rsa, CLAIMS, OPTIONS))).rejects.toBeInstanceOf(
      InvalidTokenException,
    );
  });
});
