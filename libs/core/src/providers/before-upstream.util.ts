const beforeUpstream = new WeakSet<object>();

/**
 * Marks an error a provider raised before it called its upstream (an unknown tool, a credential it could
 * not get, arguments it refused, a definition it could not read): the tool cannot have had any effect, so
 * the pipeline may treat the call as not run (an Idempotency-Key is freed for a retry). Returns `error`.
 */
export function markBeforeUpstream<T>(error: T): T {
  if (typeof error === 'object' && error !== null) beforeUpstream.add(error);
  return error;
}

/** True when `error` was marked by `markBeforeUpstream`. */
export function raisedBeforeUpstream(error: unknown): boolean {
  return typeof error === 'object' && error !== null && beforeUpstream.has(error);
}
