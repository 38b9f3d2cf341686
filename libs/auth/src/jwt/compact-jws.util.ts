import { type KeyObject, verify } from 'node:crypto';

import { type JwtAlgorithm } from '../jwks/key-set.util';

/** A verification failure; `code` names the check that failed (it becomes the 401's reason). */
export class JwsError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** The protected header of a token, parsed but not yet trusted. */
export interface JwsHeader extends Record<string, unknown> {
  alg: string;
  kid?: unknown;
}

export interface JwtCheck {
  /** Signature algorithms accepted (`none` and HMAC never are, whatever is listed). */
  algorithms: readonly JwtAlgorithm[];
  issuer: string;
  audience: string;
  clockToleranceSec: number;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** The raw (r ‖ s) signature of ES256 (RFC 7518 §3.4). */
const ES256_SIGNATURE_BYTES = 64;

/** Rejects invalid UTF-8 instead of replacing it (as jose does). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Base64url text of a length no byte string encodes to (4n + 1): Node would silently drop the rest. */
const impossibleLength = (segment: string): boolean => segment.length % 4 === 1;

function jsonObject(segment: string, what: string): Record<string, unknown> {
  if (impossibleLength(segment)) throw new JwsError(`${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(Buffer.from(segment, 'base64url')));
  } catch {
    throw new JwsError(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwsError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function checkSignature(alg: JwtAlgorithm, key: KeyObject, input: string, signature: Buffer): boolean {
  const data = Buffer.from(input, 'latin1');
  if (alg === 'RS256') {
    return key.asymmetricKeyType === 'rsa' && verify('sha256', data, key, signature);
  }
  return (
    key.asymmetricKeyType === 'ec' &&
    key.asymmetricKeyDetails?.namedCurve === 'prime256v1' &&
    signature.length === ES256_SIGNATURE_BYTES &&
    verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
  );
}

/** A NumericDate claim; unlike jose, `1e309` (Infinity) is refused here rather than after verification. */
function numericDate(payload: Record<string, unknown>, claim: string, required: boolean): number | undefined {
  const value = payload[claim];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new JwsError(`claim ${claim} is ${value === undefined ? 'missing' : 'not a number'}`);
  }
  return value;
}

function checkClaims(payload: Record<string, unknown>, check: JwtCheck, nowSec: number): void {
  if (payload.iss !== check.issuer) throw new JwsError('unexpected iss');
  const aud = payload.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(check.audience)) throw new JwsError('unexpected aud');
  const exp = numericDate(payload, 'exp', true)!;
  if (exp <= nowSec - check.clockToleranceSec) throw new JwsError('token expired');
  const nbf = numericDate(payload, 'nbf', false);
  if (nbf !== undefined && nbf > nowSec + check.clockToleranceSec) throw new JwsError('token not yet valid');
  numericDate(payload, 'iat', false);
}

/**
 * The protected header of a compact JWS (RFC 7515), parsed but not trusted: three base64url segments, a
 * JSON object header whose `alg` is one of `algorithms`, and no `crit` header (no extension is
 * understood). The caller picks the key from it (by `kid`, never from `jku`/`jwk`/`x5u`/`x5c`).
 */
export function jwsHeader(token: string, algorithms: readonly JwtAlgorithm[]): JwsHeader {
  if (!COMPACT_JWS.test(token)) throw new JwsError('not a compact JWS');
  const header = jsonObject(token.slice(0, token.indexOf('.')), 'header');
  const alg = header.alg;
  if (typeof alg !== 'string' || !(algorithms as readonly string[]).includes(alg)) {
    throw new JwsError('alg not allowed');
  }
  if (header.crit !== undefined) throw new JwsError('unsupported crit header');
  return header as JwsHeader;
}

/**
 * Verifies a JWT (RFC 7519) whose header `jwsHeader` accepted, with `key` bound to `alg`, synchronously
 * and with the semantics of jose's `jwtVerify` for this gateway's options (a differential test holds the
 * two together):
 *
 * - RS256 is RSASSA-PKCS1-v1_5 with SHA-256 on an RSA key; ES256 is ECDSA P-256 with a 64-byte raw
 *   (r ‖ s) signature;
 * - the signature is checked before the payload is parsed; the payload must be a JSON object;
 * - `iss` equal to the issuer, `aud` (string or array) containing the audience, `exp` required, `exp`
 *   and `nbf` with the clock tolerance, `iat` a number when present.
 *
 * Returns the payload; any failure throws `JwsError`.
 */
export function verifyJwt(
  token: string,
  alg: JwtAlgorithm,
  key: KeyObject,
  check: JwtCheck,
  nowSec: number = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  if (!check.algorithms.includes(alg)) throw new JwsError('alg not allowed');
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  const encodedSignature = token.slice(lastDot + 1);
  if (impossibleLength(encodedSignature)) throw new JwsError('signature is not base64url');
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (!checkSignature(alg, key, token.slice(0, lastDot), signature)) {
    throw new JwsError('signature verification failed');
  }
  const payload = jsonObject(token.slice(firstDot + 1, lastDot), 'payload');
  checkClaims(payload, check, nowSec);
  return payload;
}
