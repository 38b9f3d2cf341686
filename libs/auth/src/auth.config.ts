import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

import { EnvInt, validateEnv } from '@toolgate/config';

const CLAIM_NAME = /^[\x21-\x7e]{1,100}$/;
const CLAIM_MESSAGE = { message: 'must be a claim name (1-100 printable ASCII characters)' };

export class AuthEnv {
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  JWT_ISSUER = 'https://idp.local';

  @IsString()
  @MinLength(1)
  @MaxLength(512)
  JWT_AUDIENCE = 'toolgate';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  JWT_JWKS_URL?: string;

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(3600)
  JWT_CLOCK_SKEW_SEC = 300;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  JWT_JWKS_COOLDOWN_SEC = 30;

  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(86400)
  JWT_JWKS_MAX_AGE_SEC = 600;

  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(30000)
  JWT_JWKS_TIMEOUT_MS = 2000;

  @Matches(CLAIM_NAME, CLAIM_MESSAGE)
  JWT_TENANT_CLAIM = 'tenant';

  @Matches(CLAIM_NAME, CLAIM_MESSAGE)
  JWT_ROLES_CLAIM = 'roles';

  @Matches(CLAIM_NAME, CLAIM_MESSAGE)
  JWT_SCOPES_CLAIM = 'scopes';

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(60)
  JWT_CACHE_TTL_SEC = 60;

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  JWT_CACHE_MAX_ENTRIES = 10_000;

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(60)
  API_KEY_CACHE_TTL_SEC = 5;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  AUTH_FAILURE_WINDOW_SEC = 60;

  @IsString()
  RUNTIME_DIR = '.runtime';
}

export interface ClaimNames {
  tenant: string;
  roles: string;
  scopes: string;
}

export interface AuthConfig {
  issuer: string;
  audience: string;
  /** Unset: the dev key pair under `runtimeDir` signs and verifies tokens. */
  jwksUrl?: string;
  clockSkewSec: number;
  jwksCooldownMs: number;
  jwksMaxAgeMs: number;
  jwksTimeoutMs: number;
  claims: ClaimNames;
  /** Verified-token cache: entry lifetime cap in ms (0 disables the cache) and size bound. */
  tokenCacheTtlMs: number;
  tokenCacheMaxEntries: number;
  apiKeyCacheTtlMs: number;
  /** `auth.failure` audit: after the first per IP, route and reason, one counted event per window. */
  authFailureWindowMs: number;
  runtimeDir: string;
}

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const e = validateEnv(AuthEnv, env);
  return {
    issuer: e.JWT_ISSUER,
    audience: e.JWT_AUDIENCE,
    jwksUrl: e.JWT_JWKS_URL,
    clockSkewSec: e.JWT_CLOCK_SKEW_SEC,
    jwksCooldownMs: e.JWT_JWKS_COOLDOWN_SEC * 1000,
    jwksMaxAgeMs: e.JWT_JWKS_MAX_AGE_SEC * 1000,
    jwksTimeoutMs: e.JWT_JWKS_TIMEOUT_MS,
    claims: { tenant: e.JWT_TENANT_CLAIM, roles: e.JWT_ROLES_CLAIM, scopes: e.JWT_SCOPES_CLAIM },
    tokenCacheTtlMs: e.JWT_CACHE_TTL_SEC * 1000,
    tokenCacheMaxEntries: e.JWT_CACHE_MAX_ENTRIES,
    apiKeyCacheTtlMs: e.API_KEY_CACHE_TTL_SEC * 1000,
    authFailureWindowMs: e.AUTH_FAILURE_WINDOW_SEC * 1000,
    runtimeDir: e.RUNTIME_DIR,
  };
}

export const authConfig = registerAs('auth', () => loadAuthConfig());
