import { type Principal } from '@toolgate/core';

import { type ClaimNames } from '../auth.config';

/** Thrown when a verified token's claims do not have the expected shapes; becomes a 401. */
export class ClaimsError extends Error {}

export const CLAIM_LIMITS = {
  subjectLength: 256,
  valueLength: 128,
  maxRoles: 64,
  maxScopes: 128,
} as const;

/** Printable ASCII without spaces: tenants, roles and scopes are identifiers. */
const IDENTIFIER = /^[\x21-\x7e]+$/;
/** Any text without control characters. */
const PRINTABLE = /^[^\p{Cc}]+$/u;

function text(value: unknown, name: string, max: number, pattern: RegExp): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !pattern.test(value)) {
    throw new ClaimsError(`claim ${name} is not a valid string`);
  }
  return value;
}

/** Freezes in place and keeps the mutable type the Principal declares (cached principals are shared). */
export function frozen<T>(items: T[]): T[] {
  Object.freeze(items);
  return items;
}

function identifiers(values: unknown[], name: string, max: number): string[] {
  if (values.length > max) throw new ClaimsError(`claim ${name} has too many items`);
  const items = values.map((item) => text(item, name, CLAIM_LIMITS.valueLength, IDENTIFIER));
  return frozen([...new Set(items)]);
}

function list(value: unknown, name: string, max: number, allowSpaceSeparated: boolean): string[] {
  if (value === undefined || value === null) return frozen([]);
  if (Array.isArray(value)) return identifiers(value, name, max);
  if (allowSpaceSeparated && typeof value === 'string') {
    if (value.length > max * (CLAIM_LIMITS.valueLength + 1))
      throw new ClaimsError(`claim ${name} is too long`);
    return identifiers(value.split(' ').filter(Boolean), name, max);
  }
  throw new ClaimsError(`claim ${name} must be an array of strings`);
}

function numericDate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ClaimsError(`claim ${name} is not a number`);
  return value;
}

/**
 * Maps the claims of a verified JWT to a frozen Principal. Strict: a missing or odd-shaped `sub` or tenant,
 * oversized lists or non-string items are rejected (never defaulted), as is an `iat` in the future beyond
 * the clock skew. Scopes come from the configured claim (array or space-separated) or the standard `scope`.
 */
export function principalFromClaims(
  claims: Record<string, unknown>,
  names: ClaimNames,
  nowSeconds: number,
  skewSeconds: number,
): Principal {
  const exp = numericDate(claims.exp, 'exp');
  const iat = numericDate(claims.iat, 'iat');
  if (iat !== undefined && iat > nowSeconds + skewSeconds)
    throw new ClaimsError('claim iat is in the future');
  const scopeClaim = claims[names.scopes] !== undefined ? names.scopes : 'scope';
  const jti = claims.jti;
  return Object.freeze({
    subject: text(claims.sub, 'sub', CLAIM_LIMITS.subjectLength, PRINTABLE),
    tenant: text(claims[names.tenant], names.tenant, CLAIM_LIMITS.valueLength, IDENTIFIER),
    roles: list(claims[names.roles], names.roles, CLAIM_LIMITS.maxRoles, false),
    scopes: list(claims[scopeClaim], scopeClaim, CLAIM_LIMITS.maxScopes, true),
    kind: 'jwt' as const,
    ...(typeof jti === 'string' && jti.length > 0 && jti.length <= 128 && PRINTABLE.test(jti)
      ? { credentialId: jti }
      : {}),
    ...(exp !== undefined ? { expiresAt: exp } : {}),
  });
}
