const reached = new WeakSet<object>();

/**
 * Marks an error thrown once the provider was called (or after the tool ran): the tool may have had its
 * effect, so an Idempotency-Key must not be freed for a second run. Errors before that point (the audit
 * intent, the credential exchange, a provider not running or not configured) stay unmarked.
 */
export function markMayHaveRun(error: unknown): void {
  if (typeof error === 'object' && error !== null) reached.add(error);
}

/** True when `error` was thrown after the provider was called (see `markMayHaveRun`). */
export function mayHaveRun(error: unknown): boolean {
  return typeof error === 'object' && error !== null && reached.has(error);
}
