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
}

/** A deadline `timeoutMs` from now. */
export function createDeadline(timeoutMs: number, now: number = Date.now()): InvocationDeadline {
  return { signal: AbortSignal.timeout(timeoutMs), at: now + timeoutMs };
}
