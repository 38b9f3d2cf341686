import { type Principal } from '../auth/principal.types';

/** When the call must be over: an abort signal that fires then, and the same instant in epoch ms. */
export interface InvocationDeadline {
  signal: AbortSignal;
  at: number;
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

/**
 * A deadline `timeoutMs` from now: its signal aborts with a `TimeoutError` then. One plain timer, cleared by
 * `dispose()` (cheaper per call than `AbortSignal.timeout`, whose timer outlives a finished call).
 */
export function createDeadline(timeoutMs: number, now: number = Date.now()): OwnedDeadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
    timeoutMs,
  );
  timer.unref();
  return { signal: controller.signal, at: now + timeoutMs, dispose: () => clearTimeout(timer) };
}
