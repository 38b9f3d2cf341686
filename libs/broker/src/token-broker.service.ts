import { Injectable } from '@nestjs/common';

import { type InvocationDeadline, ProviderTimeoutException } from '@toolgate/core';

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

/** Waits for `pending` until the deadline at most; the work itself goes on for whoever else awaits it. */
function untilDeadline<T>(
  pending: Promise<T>,
  deadline: Pick<InvocationDeadline, 'onExpire'>,
  timeout: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = deadline.onExpire(() => reject(timeout()));
    pending.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
  });
}

/**
 * Issues each provider its own credentials (never the agent's token), cached until shortly before expiry,
 * with one issue in flight per cache key so a burst of calls makes one token request. Registering or
 * removing a provider's source bumps its generation: cached and in-flight credentials of the old source are
 * dropped, and an issue still running for it is not cached when it ends.
 */
@Injectable()
export class TokenBroker {
  private readonly sources = new Map<string, CredentialSource>();
  private readonly cache = new Map<string, CachedCredential>();
  private readonly inFlight = new Map<string, Promise<IssuedCredential>>();
  private readonly generations = new Map<string, number>();

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

  /**
   * The seed's `exchange(scopes, subject, tenant, purpose)`, for one provider. Undefined: needs none. With a
   * `deadline`, waiting for a token request ends there with 504 `PROVIDER.TIMEOUT` (a cached credential
   * needs no wait); the request goes on for the other calls sharing it, and its token is cached.
   */
  async exchange(
    provider: string,
    request: ExchangeRequest,
    deadline?: Pick<InvocationDeadline, 'onExpire'>,
  ): Promise<IssuedCredential | undefined> {
    const source = this.sources.get(provider);
    if (!source) return undefined;
    const key = `${provider}\u0000${source.cacheKey?.(request) ?? request.scopes.join(' ')}`;
    const cached = this.cache.get(key);
    const now = Date.now();
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > now) {
      return { ...cached.credential, expires_in: Math.floor((cached.expiresAt - now) / 1000) };
    }
    const pending = this.inFlight.get(key) ?? this.issue(provider, key, source, request);
    if (!deadline) return pending;
    return untilDeadline(pending, deadline, () => new ProviderTimeoutException(provider, request.purpose));
  }

  private issue(
    provider: string,
    key: string,
    source: CredentialSource,
    request: ExchangeRequest,
  ): Promise<IssuedCredential> {
    const generation = this.generations.get(provider);
    const pending = (async () => {
      const credential = await source.issue(request);
      // A source registered or removed meanwhile: this credential is the old source's, never cached.
      if (this.generations.get(provider) === generation) this.store(key, credential);
      return credential;
    })();
    this.inFlight.set(key, pending);
    const settled = (): void => {
      if (this.inFlight.get(key) === pending) this.inFlight.delete(key);
    };
    pending.then(settled, settled);
    return pending;
  }

  private store(key: string, credential: IssuedCredential): void {
    if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { credential, expiresAt: Date.now() + credential.expires_in * 1000 });
  }

  private forget(provider: string): void {
    this.generations.set(provider, (this.generations.get(provider) ?? 0) + 1);
    const prefix = `${provider}\u0000`;
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
    for (const key of this.inFlight.keys()) if (key.startsWith(prefix)) this.inFlight.delete(key);
  }
}

/** The part of a credential a response may carry. */
export function tokenMetaOf(credential: TokenMeta | undefined): TokenMeta {
  if (!credential) return { token_type: 'none', expires_in: 0, scopes: [] };
  return { token_type: credential.token_type, expires_in: credential.expires_in, scopes: credential.scopes };
}
