import { Injectable } from '@nestjs/common';

import { type InvocationDeadline } from '@toolgate/core';

import { CredentialTimeoutException } from './broker.exception';
import {
  type CredentialSource,
  type ExchangeRequest,
  type IssuedCredential,
  type TokenMeta,
} from './broker.types';
import { rethrowOwnError, untilDeadline } from './credential-wait.util';

interface CachedCredential {
  credential: IssuedCredential;
  expiresAt: number;
  /** Handed out until then: shortly before expiry (see `EXPIRY_MARGIN_MS`). */
  reuseUntil: number;
}

/** A token request running for a cache key; `startedAt` tells a live one from one taken for dead. */
interface PendingIssue {
  promise: Promise<IssuedCredential>;
  startedAt: number;
}

/** A token request that failed: its failure answers the key's calls until `until`. */
interface FailedIssue {
  promise: Promise<IssuedCredential>;
  until: number;
}

/** Credentials are reused until this long before they expire, or half their lifetime when that is shorter. */
const EXPIRY_MARGIN_MS = 30_000;
/**
 * A token request running longer than this is taken for dead: the next call starts a new one instead of
 * joining it (the OAuth sources give up on theirs after as long, `TOKEN_REQUEST_TIMEOUT_MS`).
 */
export const ISSUE_STALE_MS = 10_000;
/** A failed token request (a revoked refresh token, an endpoint down) is not retried for this long. */
export const FAILURE_BACKOFF_MS = 5_000;
const MAX_CACHE_ENTRIES = 10_000;

/**
 * Issues each provider its own credentials (never the agent's token), cached until shortly before expiry,
 * with one issue in flight per cache key so a burst of calls makes one token request. An issue running for
 * longer than `ISSUE_STALE_MS` is no longer joined; a failed one answers its key's calls for
 * `FAILURE_BACKOFF_MS` before the next is tried. An issue's outcome (credential or failure) is kept only
 * while it is still the key's current one: registering or removing a provider's source drops its cached
 * credentials, failures and in-flight issues, and an issue still running for the old source, or one taken
 * for dead, is neither joined nor cached when it ends. A failure shared by several calls reaches each as its
 * own error object.
 */
@Injectable()
export class TokenBroker {
  private readonly sources = new Map<string, CredentialSource>();
  private readonly cache = new Map<string, CachedCredential>();
  private readonly inFlight = new Map<string, PendingIssue>();
  private readonly failures = new Map<string, FailedIssue>();
  /** The 504 of each call whose deadline passed while it waited for a credential (kept with its deadline). */
  private readonly lateWaits = new WeakMap<object, CredentialTimeoutException>();

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
   * `deadline` (the call's, passed only while the call has sent nothing upstream), waiting for a token
   * request ends there with 504 `PROVIDER.TIMEOUT` saying the call had no effect
   * (`CredentialTimeoutException`, also kept for `credentialTimeoutOf(deadline)`; a cached credential needs
   * no wait); the request goes on for the other calls sharing it, and its token is cached.
   */
  async exchange(
    provider: string,
    request: ExchangeRequest,
    deadline?: Pick<InvocationDeadline, 'onExpire'>,
  ): Promise<IssuedCredential | undefined> {
    const source = this.sources.get(provider);
    if (!source) return undefined;
    const key = cacheKeyOf(provider, source, request);
    const cached = this.cache.get(key);
    const now = Date.now();
    if (cached && cached.reuseUntil > now) {
      return { ...cached.credential, expires_in: Math.floor((cached.expiresAt - now) / 1000) };
    }
    const pending =
      this.recentFailure(key, now) ?? this.liveIssue(key, now) ?? this.issue(key, source, request);
    if (!deadline) return pending.catch(rethrowOwnError);
    return untilDeadline(pending, deadline, () => this.lateWait(deadline, provider, request.purpose));
  }

  /**
   * True when `exchange` would answer `provider` from the cache at once (no token request to wait for).
   * Synchronous and allocation-free beyond the cache key: for a provider whose client asks for the credential
   * later, deep inside an SDK, to decide whether the call must first wait for it with its deadline.
   */
  isCached(provider: string, request: ExchangeRequest): boolean {
    const source = this.sources.get(provider);
    const cached = source && this.cache.get(cacheKeyOf(provider, source, request));
    return cached !== undefined && cached.reuseUntil > Date.now();
  }

  /**
   * The upstream refused `rejected` without acting on the call (a 401 refusing the token): drops it
   * (`invalidate`) and waits for a new credential, until the deadline at most. A deadline that passes during
   * this wait leaves the call without any effect (the refused request did nothing, no other was sent):
   * `credentialTimeoutOf(deadline)` then has the call's answer, a 504 saying it is safe to retry. Only for a
   * provider whose call has, at this point, no other upstream request in flight or applied (the deadline
   * is the call's: a late renewal speaks for the whole call).
   */
  renew(
    provider: string,
    rejected: string,
    request: ExchangeRequest,
    deadline: Pick<InvocationDeadline, 'onExpire'>,
  ): Promise<IssuedCredential | undefined> {
    this.invalidate(provider, rejected);
    return this.exchange(provider, request, deadline);
  }

  /**
   * The answer of a call whose deadline passed while it waited for a credential (`exchange` or `renew` with
   * that deadline): set synchronously at the deadline, so it is known before anything handles the call's
   * timeout. Undefined for any other call.
   */
  credentialTimeoutOf(deadline: object): CredentialTimeoutException | undefined {
    return this.lateWaits.get(deadline);
  }

  /**
   * The upstream refused `accessToken` (revoked, or expired earlier than announced): the provider's cached
   * credentials carrying it are dropped, so the next exchange issues a new one. True when one was dropped; a
   * newer credential cached meanwhile is kept.
   */
  invalidate(provider: string, accessToken: string): boolean {
    const prefix = `${provider}\u0000`;
    let dropped = false;
    for (const [key, cached] of this.cache) {
      if (key.startsWith(prefix) && cached.credential.access_token === accessToken) {
        this.cache.delete(key);
        dropped = true;
      }
    }
    return dropped;
  }

  /** The 504 of a call whose deadline passed while it waited for `provider`'s credential, kept for it. */
  private lateWait(deadline: object, provider: string, toolId: string): CredentialTimeoutException {
    const timeout = new CredentialTimeoutException(provider, toolId);
    this.lateWaits.set(deadline, timeout);
    return timeout;
  }

  private recentFailure(key: string, now: number): Promise<IssuedCredential> | undefined {
    const failed = this.failures.get(key);
    if (failed && failed.until > now) return failed.promise;
    if (failed) this.failures.delete(key);
    return undefined;
  }

  private liveIssue(key: string, now: number): Promise<IssuedCredential> | undefined {
    const running = this.inFlight.get(key);
    return running && now - running.startedAt < ISSUE_STALE_MS ? running.promise : undefined;
  }

  private issue(key: string, source: CredentialSource, request: ExchangeRequest): Promise<IssuedCredential> {
    const entry = { startedAt: Date.now() } as PendingIssue;
    // Still this key's issue when it ends: not superseded (taken for dead) nor forgotten (source changed).
    const current = (): boolean => {
      if (this.inFlight.get(key) !== entry) return false;
      this.inFlight.delete(key);
      return true;
    };
    entry.promise = issueNow(source, request).then(
      (credential) => {
        if (current()) this.store(key, credential);
        return credential;
      },
      (error: unknown) => {
        if (current())
          this.remember(this.failures, key, {
            promise: entry.promise,
            until: Date.now() + FAILURE_BACKOFF_MS,
          });
        throw error;
      },
    );
    // Nobody may be waiting any more when it fails (all callers past their deadline).
    entry.promise.catch(() => undefined);
    this.inFlight.set(key, entry);
    return entry.promise;
  }

  private store(key: string, credential: IssuedCredential): void {
    const now = Date.now();
    const lifetime = credential.expires_in * 1000;
    this.failures.delete(key);
    this.remember(this.cache, key, {
      credential,
      expiresAt: now + lifetime,
      reuseUntil: now + lifetime - Math.min(EXPIRY_MARGIN_MS, lifetime / 2),
    });
  }

  /** Sets `key`, first dropping the oldest entry when the map is full. */
  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    if (map.size >= MAX_CACHE_ENTRIES && !map.has(key)) map.delete(map.keys().next().value as string);
    map.set(key, value);
  }

  private forget(provider: string): void {
    const prefix = `${provider}\u0000`;
    for (const map of [this.cache, this.inFlight, this.failures]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }
}

/** Starts the source's issue at once (a source that throws instead of rejecting rejects too). */
function issueNow(source: CredentialSource, request: ExchangeRequest): Promise<IssuedCredential> {
  try {
    return Promise.resolve(source.issue(request));
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

/** Scope keys by scopes array: manifests hand the same array to every call, so a call builds no key. */
const scopeKeys = new WeakMap<readonly string[], string>();

/**
 * The source's own key, else the requested scopes, deduplicated and sorted: the same set in any order shares
 * a credential, and JSON keeps scopes that contain spaces apart (`["a b"]` is not `["a","b"]`).
 */
function cacheKeyOf(provider: string, source: CredentialSource, request: ExchangeRequest): string {
  return `${provider}\u0000${source.cacheKey?.(request) ?? scopeKeyOf(request.scopes)}`;
}

function scopeKeyOf(scopes: readonly string[]): string {
  let key = scopeKeys.get(scopes);
  if (key === undefined) {
    key = JSON.stringify([...new Set(scopes)].sort());
    scopeKeys.set(scopes, key);
  }
  return key;
}

/** The part of a credential a response may carry. */
export function tokenMetaOf(credential: TokenMeta | undefined): TokenMeta {
  if (!credential) return { token_type: 'none', expires_in: 0, scopes: [] };
  return { token_type: credential.token_type, expires_in: credential.expires_in, scopes: credential.scopes };
}
