import { type EventEmitter } from 'node:events';

import { type Principal } from '../auth/principal.types';

/**
 * When the call must be over. `at` is the instant in epoch ms; `aborted` turns true then. Three ways to be
 * told, cheapest first:
 * - `events`: an EventEmitter that emits `'abort'` once, with `aborted` and `reason` like a signal's. undici
 *   takes it as a request's `signal` (its documented EventEmitter form), at a fraction of an AbortSignal's
 *   cost per call;
 * - `onExpire(listener)`;
 * - `signal`: a real `AbortSignal`, for APIs that need one (fetch, the MCP SDK, `timers/promises`). It is
 *   made on first use, and is already aborted when asked for after the deadline.
 * Each aborts with a `TimeoutError` `DOMException`, as `AbortSignal.timeout` does.
 */
export interface InvocationDeadline {
  readonly at: number;
  readonly aborted: boolean;
  readonly events: DeadlineEvents;
  readonly signal: AbortSignal;
  /** Calls `listener` at the deadline (at once when it has passed); the returned function removes it. */
  onExpire(listener: () => void): () => void;
}

/** The EventEmitter form of a deadline (what undici accepts as a `signal`). */
export interface DeadlineEvents extends EventEmitter {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/** Provider credentials issued by the token broker for one call (never the agent's own token). */
export interface BrokeredCredentials {
  token_type: string;
  access_token?: string;
  expires_in: number;
  scopes: string[];
}

/** Everything a provider may know about the call it runs. */
export interface InvocationContext {
  principal: Principal;
  requestId: string;
  toolId: string;
  /**
   * The tenant of the catalog manifest the call resolved to (`public` for a shared tool). A provider that
   * keeps per-tenant data behind catalog-only tools reads it for this tenant, not the caller's.
   */
  manifestTenant?: string;
  deadline: InvocationDeadline;
  /** Set by the token broker when the provider needs credentials. */
  credentials?: BrokeredCredentials;
  /**
   * For a provider that obtains its credentials itself, per upstream (an ingested API's own secret): report
   * them here so the answer's `token_meta` describes what was used (never the secret itself).
   */
  reportCredentials?(credentials: BrokeredCredentials): void;
}

/** A deadline its creator owns: `dispose()` stops its timer once the call is over. */
export interface OwnedDeadline extends InvocationDeadline {
  dispose(): void;
}
