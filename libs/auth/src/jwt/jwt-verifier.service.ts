import { Inject, Injectable } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { type Principal } from '@toolgate/core';

import { authConfig } from '../auth.config';
import { InvalidTokenException } from '../auth.exception';
import { KeyStoreService } from '../jwks/key-store.service';
import { JWT_ALGORITHMS, MAX_KID_LENGTH, type VerificationKey } from '../jwks/key-set.util';
import { ClaimsError, principalFromClaims } from './claims.util';
import { type JwsHeader, jwsHeader, JwsError, type JwtCheck, verifyJwt } from './compact-jws.util';
import { TokenCache } from './token-cache.util';

class KeyResolutionError extends Error {}

/** A verified token's principal and the key that verified it. */
interface Verified {
  principal: Principal;
  key: VerificationKey;
}

function reasonOf(error: unknown): string {
  if (error instanceof KeyResolutionError || error instanceof ClaimsError || error instanceof JwsError) {
    return error.message;
  }
  return 'malformed token';
}

/**
 * Verifies a compact JWT: RS256/ES256 only, key chosen by `kid` among the cached JWKS keys (the `jku`,
 * `x5u`, `jwk` and `x5c` headers are never consulted), issuer, audience, `exp` required, `nbf`/`iat` with
 * the clock skew, any `crit` extension rejected. Verified tokens are cached briefly by hash, and only while
 * the key that verified them is still in the key set.
 *
 * The signature is checked synchronously with the key imported once (`compact-jws.util.ts`): jose's
 * WebCrypto path cost about 35 µs more CPU per token (docs/performance.md), and a differential test
 * keeps the two in agreement on valid and hostile tokens.
 */
@Injectable()
export class JwtVerifierService {
  private readonly cache: TokenCache<Verified>;
  private readonly check: JwtCheck;

  constructor(
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    private readonly keys: KeyStoreService,
  ) {
    this.cache = new TokenCache(config.tokenCacheTtlMs, config.tokenCacheMaxEntries);
    this.check = {
      algorithms: JWT_ALGORITHMS,
      issuer: config.issuer,
      audience: config.audience,
      clockToleranceSec: config.clockSkewSec,
    };
  }

  /** The principal a valid token carries; any failure is an `InvalidTokenException` (never a 500). */
  async verify(token: string): Promise<Principal> {
    const cacheKey = TokenCache.keyOf(token);
    const cached = this.cache.get(cacheKey);
    // Trusted only while the JWKS still holds the very key that verified it (a dropped kid ends it).
    if (cached && this.keys.current(cached.key.kid) === cached.key) return cached.principal;
    try {
      const header = jwsHeader(token, this.check.algorithms);
      const key = await this.resolveKey(header);
      const now = Math.floor(Date.now() / 1000);
      const payload = verifyJwt(token, key.alg, key.key, this.check, now);
      const principal = principalFromClaims(payload, this.config.claims, now, this.config.clockSkewSec);
      this.cache.set(cacheKey, { principal, key }, payload.exp as number);
      return principal;
    } catch (error) {
      throw new InvalidTokenException(reasonOf(error));
    }
  }

  private async resolveKey(header: JwsHeader): Promise<VerificationKey> {
    const { kid, alg } = header;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
      throw new KeyResolutionError('missing or invalid kid');
    }
    const key = await this.keys.resolve(kid);
    if (!key) throw new KeyResolutionError('unknown kid');
    if (key.alg !== alg) throw new KeyResolutionError('alg does not match the key');
    return key;
  }
}
