import { generateKeyPairSync } from 'node:crypto';

import { createTestSigningKey } from '../testing/test-keys.util';
import { importKeySet, jwkThumbprint, publicJwkOf } from './key-set.util';

describe('importKeySet', () => {
  const rsa = createTestSigningKey('RS256', 'rsa-1');
  const ec = createTestSigningKey('ES256', 'ec-1');

  it('imports RSA and P-256 keys to KeyObjects bound to one algorithm', () => {
    const { keys, skipped } = importKeySet({ keys: [rsa.publicJwk, ec.publicJwk] });
    expect(skipped).toBe(0);
    expect(keys.get('rsa-1')).toMatchObject({ alg: 'RS256' });
    expect(keys.get('rsa-1')?.key.type).toBe('public');
    expect(keys.get('ec-1')).toMatchObject({ alg: 'ES256' });
  });

  it('skips private, symmetric, encryption, weak, unsupported, kid-less and duplicate keys', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    const { keys, skipped } = importKeySet({
      keys: [
        { ...rsa.publicJwk, kid: 'private', d: 'AAAA' },
        { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
        { ...rsa.publicJwk, kid: 'enc', use: 'enc' },
        { ...rsa.publicJwk, kid: 'rs512', alg: 'RS512' },
        { ...publicJwkOf(weak), kid: 'weak' },
        { ...rsa.publicJwk, kid: 'e1', e: 'AQ' },
        { ...rsa.publicJwk, kid: 'e3', e: 'Aw' },
        { ...p384, kid: 'p384' },
        { ...rsa.publicJwk, kid: undefined },
        { ...rsa.publicJwk, kid: 'dup' },
        { ...ec.publicJwk, kid: 'dup' },
        { kty: 'RSA', kid: 'garbage', n: '!!', e: '??' },
        'not an object',
        null,
        ec.publicJwk,
      ],
    });
    expect([...keys.keys()]).toEqual(['ec-1']);
    expect(skipped).toBe(14);
  });

  it('treats anything that is not a JWKS as empty', () => {
    for (const input of [null, 'x', 42, [], { keys: 'nope' }, { keys: {} }]) {
      expect(importKeySet(input).keys.size).toBe(0);
    }
  });

  it('derives a stable RFC 7638 thumbprint kid', () => {
    const jwk = publicJwkOf(rsa.publicKey);
    expect(jwk.kid).toBe(jwkThumbprint(jwk));
    expect(publicJwkOf(rsa.privateKey).kid).toBe(jwk.kid);
  });
});
