import { setTimeout as sleep } from 'node:timers/promises';

/** Time kept free before the deadline: a retry that would start later than this is not attempted. */
const DEADLINE_RESERVE_MS = 100;

/** The longest wait an upstream's `Retry-After` is taken at (it is passed on to agents, in whole seconds). */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * The wait an upstream asks for (`Retry-After` in seconds or as an HTTP date), in ms, at most a day (a
 * 20-digit value would otherwise reach agents as `1e+23`); undefined if absent.
 */
export function retryAfterMs(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const header = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Math.min(Number(header) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/** Exponential backoff with jitter: between half and all of `baseMs·2^(attempt-1)`, capped at `capMs`. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 2_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Whether waiting `waitMs` still leaves room for another attempt before the deadline. */
export function fitsBeforeDeadline(deadlineAt: number, waitMs: number, now: number = Date.now()): boolean {
  return now + waitMs + DEADLINE_RESERVE_MS < deadlineAt;
}

/** Sleeps `ms`, cut short (rejecting) when the call's deadline fires. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal });
}
