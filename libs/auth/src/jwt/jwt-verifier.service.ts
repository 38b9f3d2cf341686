import { type KeyObject } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { type JWTHeaderParameters, jwtVerify, type JWTVerifyOptions } from 'jose';

import { type Principal } from '@toolgate/core';

import { authConfig } from '../auth.config';
import { InvalidTokenException } from '../auth.exception';
import { KeyStoreService } from '../jwks/key-store.service';
import { JWT_ALGORITHMS } from '../jwks/key-set.util';
import { ClaimsError, principalFromClaims } from './claims.util';
import { TokenCache } from './token-cache.util';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_KID_LENGTH = 256;

class KeyResolutionError extends Error {}

function reasonOf(error: unknown): string {
  if (error instanceof KeyResolutionError || error instanceof ClaimsError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'malformed token';
}

/**
 * Verifies a compact JWT: RS256/ES256 only, key chosen by `kid` among the cached JWKS keys (the `jku`,
 * `x5u`, `jwk` and `x5c` headers are never consulted), issuer, audience, `exp` required, `nbf`/`iat` with
 * the clock skew, unknown `crit` extensions rejected. Verified tokens are cached briefly by hash.
 */
@Injectable()
export class JwtVerifierService {
  private readonly cache: TokenCache<Principal>;
  private readonly options: JWTVerifyOptions;

  constructor(
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    private readonly keys: KeyStoreService,
  ) {
    this.cache = new TokenCache(config.tokenCacheTtlMs, config.tokenCacheMaxEntries);
    this.options = {
      algorithms: [...JWT_ALGORITHMS],
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: config.clockSkewSec,
      requiredClaims: ['exp'],
      crit: {},
    };
  }

  /** The principal a valid token carries; any failure is an `InvalidTokenException` (never a 500). */
  async verify(token: string): Promise<Principal> {
    const cacheKey = TokenCache.keyOf(token);
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    if (!COMPACT_JWS.test(token)) throw new InvalidTokenException('not a compact JWS');
    try {
      const { payload } = await jwtVerify(token, this.resolveKey, this.options);
      const principal = principalFromClaims(
        payload,
        this.config.claims,
        Math.floor(Date.now() / 1000),
        this.config.clockSkewSec,
      );
      this.cache.set(cacheKey, principal, payload.exp as number);
      return principal;
    } catch (error) {
      throw new InvalidTokenException(reasonOf(error));
    }
  }

  private readonly resolveKey = async (header: JWTHeaderParameters): Promise<KeyObject> => {
    const { kid, alg } = header;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
      throw new KeyResolutionError('missing or invalid kid');
    }
    const key = await this.keys.resolve(kid);
    if (!key) throw new KeyResolutionError('unknown kid');
    if (key.alg !== alg) throw new KeyResolutionError('alg does not match the key');
    return key.key;
  };
}
