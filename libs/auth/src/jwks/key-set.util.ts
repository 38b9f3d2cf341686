import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'RS256' | 'ES256';

/** The only signature algorithms accepted, whatever a token's header or a JWK claims. */
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'ES256'];

/** A public verification key imported once from a JWK, bound to exactly one algorithm. */
export interface VerificationKey {
  kid: string;
  alg: JwtAlgorithm;
  key: KeyObject;
}

/** The public members of one signing JWK, as published in a JWKS document. */
export interface PublicJwk {
  kty: 'RSA' | 'EC';
  kid: string;
  alg: JwtAlgorithm;
  use: 'sig';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface PublicJwks {
  keys: PublicJwk[];
}

export interface ImportedKeySet {
  keys: Map<string, VerificationKey>;
  /** JWKs left out: no kid, private or symmetric, wrong use, unsupported algorithm, duplicate kid. */
  skipped: number;
}

const MAX_KEYS = 100;
/** The longest `kid` accepted, in a JWKS document and in a token's header alike. */
export const MAX_KID_LENGTH = 256;
const MIN_RSA_BITS = 2048;
/** F4, the exponent of every RSA key an IdP publishes. */
const RSA_EXPONENT = 65537n;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShortString(value: unknown, max = 4096): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** Returns the public JWK and algorithm of a usable signing key, or undefined. */
function toPublicJwk(jwk: Record<string, unknown>): PublicJwk | undefined {
  const { kid, kty, alg, use } = jwk;
  if (!isShortString(kid, MAX_KID_LENGTH) || (use !== undefined && use !== 'sig')) return undefined;
  if ('d' in jwk || 'k' in jwk) return undefined;
  if (
    kty === 'RSA' &&
    (alg === undefined || alg === 'RS256') &&
    isShortString(jwk.n) &&
    isShortString(jwk.e)
  ) {
    return { kty, kid, alg: 'RS256', use: 'sig', n: jwk.n, e: jwk.e };
  }
  const ec = kty === 'EC' && jwk.crv === 'P-256' && (alg === undefined || alg === 'ES256');
  if (ec && isShortString(jwk.x) && isShortString(jwk.y)) {
    return { kty, kid, alg: 'ES256', use: 'sig', crv: 'P-256', x: jwk.x, y: jwk.y };
  }
  return undefined;
}

/**
 * Imports one public JWK to a KeyObject, or undefined when Node refuses it, or the RSA key is too short or
 * has a public exponent other than 65537 (with e = 1 anyone can "sign"; every real IdP uses 65537).
 */
export function importPublicJwk(jwk: PublicJwk): VerificationKey | undefined {
  const material: JsonWebKey =
    jwk.kty === 'RSA' ? { kty: 'RSA', n: jwk.n, e: jwk.e } : { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
  try {
    const key = createPublicKey({ key: material, format: 'jwk' });
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    const exponent = key.asymmetricKeyDetails?.publicExponent;
    if (jwk.kty === 'RSA' && (bits < MIN_RSA_BITS || exponent !== RSA_EXPONENT)) return undefined;
    return { kid: jwk.kid, alg: jwk.alg, key };
  } catch {
    return undefined;
  }
}

/**
 * Imports every usable signing key of a JWKS document, each to a KeyObject, once. Anything odd is skipped
 * rather than trusted: a kid that appears twice is dropped altogether (it would be ambiguous).
 */
export function importKeySet(document: unknown): ImportedKeySet {
  const list = isRecord(document) && Array.isArray(document.keys) ? document.keys : [];
  const keys = new Map<string, VerificationKey>();
  const duplicates = new Set<string>();
  let skipped = Math.max(0, list.length - MAX_KEYS);
  for (const entry of list.slice(0, MAX_KEYS)) {
    const jwk = isRecord(entry) ? toPublicJwk(entry) : undefined;
    const imported = jwk ? importPublicJwk(jwk) : undefined;
    if (!imported || duplicates.has(imported.kid)) skipped += 1;
    else if (keys.delete(imported.kid)) {
      duplicates.add(imported.kid);
      skipped += 2;
    } else keys.set(imported.kid, imported);
  }
  return { keys, skipped };
}

/** RFC 7638 thumbprint (SHA-256, base64url) of a public RSA or EC key: a stable kid. */
export function jwkThumbprint(jwk: PublicJwk): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** The public JWK of a key pair's public half (RSA → RS256, P-256 → ES256), with the given kid. */
export function publicJwkOf(key: KeyObject, kid?: string): PublicJwk {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' && jwk.crv !== 'P-256') throw new Error('Only RSA and P-256 keys are supported');
  const base: PublicJwk =
    jwk.kty === 'RSA'
      ? { kty: 'RSA', kid: '', alg: 'RS256', use: 'sig', n: jwk.n, e: jwk.e }
      : { kty: 'EC', kid: '', alg: 'ES256', use: 'sig', crv: jwk.crv, x: jwk.x, y: jwk.y };
  return { ...base, kid: kid ?? jwkThumbprint(base) };
}
