import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';

import { type JWTPayload, SignJWT } from 'jose';

import { type JwtAlgorithm, type PublicJwk, type PublicJwks, publicJwkOf } from '../jwks/key-set.util';

/** A signing key for tests: a fresh key pair with its public JWK. */
export interface TestSigningKey {
  kid: string;
  alg: JwtAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
}

export function createTestSigningKey(
  alg: JwtAlgorithm = 'RS256',
  kid: string = randomUUID(),
): TestSigningKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, alg, privateKey, publicKey, publicJwk: publicJwkOf(publicKey, kid) };
}

/** The JWKS document publishing the public halves of the given keys. */
export function buildTestJwks(...keys: TestSigningKey[]): PublicJwks {
  return { keys: keys.map((key) => key.publicJwk) };
}

export interface TestTokenOptions {
  issuer: string;
  audience: string;
  subject?: string;
  ttlSeconds?: number;
  /** Extra protected header members (kid and alg default to the key's). */
  header?: Record<string, unknown>;
}

/** Signs a JWT with a test key (`exp`, `iat`, `iss`, `aud`, `sub` set unless the claims override them). */
export function signWithTestKey(
  key: TestSigningKey,
  claims: JWTPayload,
  options: TestTokenOptions,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: options.issuer,
    aud: options.audience,
    sub: options.subject ?? 'test-agent',
    iat: now,
    exp: now + (options.ttlSeconds ?? 600),
    jti: randomUUID(),
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header })
    .sign(key.privateKey);
}
