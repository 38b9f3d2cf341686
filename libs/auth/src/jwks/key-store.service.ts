import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { authConfig } from '../auth.config';
import { loadOrCreateDevKeys } from './dev-keys.util';
import { JwksCache } from './jwks-cache.util';
import { JwksClient } from './jwks.client';
import { type PublicJwks, type VerificationKey } from './key-set.util';

/**
 * Where verification keys come from: the IdP's JWKS (`JWT_JWKS_URL`, cached with rotation) or, without
 * it, the dev key pair generated under the runtime dir. Keys are imported once, never per request.
 */
@Injectable()
export class KeyStoreService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Auth');
  private devKeys?: { jwks: PublicJwks; key: VerificationKey };
  private remote?: JwksCache;
  private client?: JwksClient;

  constructor(@Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>) {}

  async onModuleInit(): Promise<void> {
    if (this.config.jwksUrl) await this.startRemote(this.config.jwksUrl);
    else this.startDev();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close();
  }

  /** True while the dev key pair signs and verifies tokens (no `JWT_JWKS_URL`). */
  get usesDevKeys(): boolean {
    return this.devKeys !== undefined;
  }

  /** The verification key for a kid, or undefined (after at most one refetch per cooldown). */
  async resolve(kid: string): Promise<VerificationKey | undefined> {
    if (this.devKeys) return this.devKeys.key.kid === kid ? this.devKeys.key : undefined;
    return this.remote?.get(kid);
  }

  /**
   * The key currently held for a kid, without fetching. A token verified earlier stays trusted only while
   * this still returns the very key object that verified it: a refresh that drops or replaces the kid
   * (key revocation or rotation at the IdP) ends it.
   */
  current(kid: string): VerificationKey | undefined {
    if (this.devKeys) return this.devKeys.key.kid === kid ? this.devKeys.key : undefined;
    return this.remote?.current(kid);
  }

  /** The public dev JWKS, or undefined when an IdP's JWKS is used. */
  devJwks(): PublicJwks | undefined {
    return this.devKeys?.jwks;
  }

  private startDev(): void {
    const pair = loadOrCreateDevKeys(this.config.runtimeDir);
    this.devKeys = { jwks: pair.jwks, key: pair.verificationKey };
    this.logger.log(`Dev JWT signing key ${pair.kid} (${pair.jwksPath}); mint tokens with npm run -s token`);
  }

  private async startRemote(url: string): Promise<void> {
    const client = new JwksClient(url, this.config.jwksTimeoutMs);
    this.client = client;
    this.remote = new JwksCache({
      fetcher: () => client.fetch(),
      cooldownMs: this.config.jwksCooldownMs,
      maxAgeMs: this.config.jwksMaxAgeMs,
      onLoaded: (keys, skipped) => this.logger.log(`JWKS loaded: ${keys} keys, ${skipped} skipped`),
      onError: (error) =>
        this.logger.warn(`JWKS fetch failed, keeping cached keys: ${(error as Error).message ?? error}`),
    });
    await this.remote.refresh();
  }
}
