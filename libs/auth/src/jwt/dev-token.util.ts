import { randomUUID } from 'node:crypto';

import { SignJWT } from 'jose';

import { type AuthConfig, loadAuthConfig } from '../auth.config';
import { loadOrCreateDevKeys } from '../jwks/dev-keys.util';

export interface DevTokenOptions {
  subject: string;
  tenant?: string;
  roles?: string[];
  scopes?: string[];
  /** Lifetime in seconds (default 3600). */
  ttlSeconds?: number;
  /** Extra or overriding claims (tests use this to build odd tokens). */
  claims?: Record<string, unknown>;
  /** Defaults to the auth configuration read from the environment (issuer, audience, claim names, dir). */
  config?: Pick<AuthConfig, 'issuer' | 'audience' | 'claims' | 'runtimeDir'>;
}

/**
 * Signs an RS256 JWT with the dev key under the runtime dir (creating it when missing), the way the
 * gateway expects it: issuer, audience, `exp`, `iat`, a random `jti`, tenant/roles/scopes claims.
 */
export async function signDevToken(options: DevTokenOptions): Promise<string> {
  const config = options.config ?? loadAuthConfig();
  const keys = loadOrCreateDevKeys(config.runtimeDir);
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: config.issuer,
    aud: config.audience,
    sub: options.subject,
    iat: now,
    exp: now + (options.ttlSeconds ?? 3600),
    jti: randomUUID(),
    ...(options.tenant !== undefined ? { [config.claims.tenant]: options.tenant } : {}),
    [config.claims.roles]: options.roles ?? [],
    [config.claims.scopes]: options.scopes ?? [],
    ...options.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: keys.kid, typ: 'JWT' })
    .sign(keys.privateKey);
}
