import { Injectable } from '@nestjs/common';

import {
  type CredentialSource,
  type ExchangeRequest,
  type IssuedCredential,
  type TokenMeta,
} from './broker.types';

interface CachedCredential {
  credential: IssuedCredential;
  expiresAt: number;
}

/** Credentials are reused until this long before they expire. */
const EXPIRY_MARGIN_MS = 30_000;
const MAX_CACHE_ENTRIES = 10_000;

/**
 * Issues each provider its own credentials (never the agent's token), cached until shortly before expiry,
 * with one issue in flight per cache key so a burst of calls makes one token request.
 */
@Injectable()
export class TokenBroker {
  private readonly sources = new Map<string, CredentialSource>();
  private readonly cache = new Map<string, CachedCredential>();
  private readonly inFlight = new Map<string, Promise<IssuedCredential>>();

  /** Called by a provider (usually in onModuleInit) for the upstream(s) it talks to. */
  register(provider: string, source: CredentialSource): void {
    this.sources.set(provider, source);
    this.forget(provider);
  }

  unregister(provider: string): void {
    this.sources.delete(provider);
    this.forget(provider);
  }

  has(provider: string): boolean {
    return this.sources.has(provider);
  }

  /** The seed's `exchange(scopes, subject, tenant, purpose)`, for one provider. Undefined: needs none. */
  async exchange(provider: string, request: ExchangeRequest): Promise<IssuedCredential | undefined> {
    const source = this.sources.get(provider);
    if (!source) return undefined;
    const key = `${provider}\u0000${source.cacheKey?.(request) ?? request.scopes.join(' ')}`;
    const cached = this.cache.get(key);
    const now = Date.now();
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > now) {
      return { ...cached.credential, expires_in: Math.floor((cached.expiresAt - now) / 1000) };
    }
    const pending = this.inFlight.get(key) ?? this.issue(key, source, request);
    return pending;
  }

  private async issue(
    key: string,
    source: CredentialSource,
    request: ExchangeRequest,
  ): Promise<IssuedCredential> {
    const pending = source.issue(request);
    this.inFlight.set(key, pending);
    try {
      const credential = await pending;
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { credential, expiresAt: Date.now() + credential.expires_in * 1000 });
      return credential;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private forget(provider: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${provider}\u0000`)) this.cache.delete(key);
  }
}

/** The part of a credential a response may carry. */
export function tokenMetaOf(credential: TokenMeta | undefined): TokenMeta {
  if (!credential) return { token_type: 'none', expires_in: 0, scopes: [] };
  return { token_type: credential.token_type, expires_in: credential.expires_in, scopes: credential.scopes };
}
