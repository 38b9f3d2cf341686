import { type ProblemViolation, RequestValidationException } from '@toolgate/core';

import { ApiKeyGrantExceedsCreatorException } from './api-keys.exception';

/** What a key grants: its roles and its own scopes (the policy adds its roles' scopes). */
export interface ApiKeyGrant {
  roles: readonly string[];
  scopes: readonly string[];
}

/** Refuses (422, one violation per role) roles the active policy does not define: they would grant nothing. */
export function assertKnownRoles(roles: readonly string[], known: readonly string[]): void {
  const defined = new Set(known);
  const errors: ProblemViolation[] = roles.flatMap((role, index) =>
    defined.has(role)
      ? []
      : [{ pointer: `/roles/${index}`, detail: `role ${role} is not in the active policy` }],
  );
  if (errors.length === 0) return;
  const names = roles.filter((role) => !defined.has(role));
  throw new RequestValidationException(errors, `Unknown roles: ${names.join(', ')}.`);
}

/** True when `held` covers `scope`: held exactly, or under a held `prefix.*` (the policy engine's rule). */
export function scopeCovered(held: readonly string[], scope: string): boolean {
  return held.some((candidate) =>
    candidate.endsWith('.*') ? scope.startsWith(candidate.slice(0, -1)) : candidate === scope,
  );
}

/**
 * Refuses (403) a key asking for more than the key minting it: every role must be one of the creator's
 * roles, every scope covered by the creator's effective scopes (its own and its roles'), so a key never
 * holds more than the key that minted it.
 */
export function assertWithinCreator(
  requested: ApiKeyGrant,
  creatorRoles: readonly string[],
  creatorScopes: readonly string[],
): void {
  const roles = requested.roles.filter((role) => !creatorRoles.includes(role));
  const scopes = requested.scopes.filter((scope) => !scopeCovered(creatorScopes, scope));
  if (roles.length > 0 || scopes.length > 0) throw new ApiKeyGrantExceedsCreatorException(roles, scopes);
}

/**
 * Expiry of a key minted by a key that expires at `parentExpiresAt`: a requested lifetime past it is
 * refused (422); without one, the default lifetime is shortened to end with the parent.
 */
export function expiryUnderParent(
  now: number,
  requestedTtlSec: number | undefined,
  defaultTtlSec: number,
  parentExpiresAt: Date,
): Date {
  const limit = parentExpiresAt.getTime();
  if (requestedTtlSec === undefined) return new Date(Math.min(now + defaultTtlSec * 1000, limit));
  if (now + requestedTtlSec * 1000 <= limit) return new Date(now + requestedTtlSec * 1000);
  const remaining = Math.floor((limit - now) / 1000);
  throw new RequestValidationException(
    [
      {
        pointer: '/expires_in_seconds',
        detail: `must be at most ${remaining}: the key minting it expires at ${parentExpiresAt.toISOString()}`,
      },
    ],
    'A key minted with an API key cannot outlive that key.',
  );
}
