/**
 * One audit event as a module reports it. The audit lib stamps `seq`, `ts`, `prev_hash` and `hash`,
 * redacts `details`, and appends it to the tenant's hash chain.
 */
export interface AuditEventInput {
  /** `tools.invoke`, `tools.confirm`, `tools.deny`, `auth.failure`, `rate.limited`, `actions.approve`… */
  event: string;
  tenant: string;
  subject?: string;
  tool_id?: string;
  /** `allow` / `deny` where a policy decided. */
  decision?: string;
  /** `intent`, `ok`, `error`, or an HTTP status as text. */
  status?: string;
  request_id?: string;
  /** Joins the events of one call (invoke and its confirm share it). */
  correlation_id?: string;
  payload_digest?: string;
  policy_version?: string;
  /** Free-form context; the audit lib redacts secrets, action tokens and the tool's `sensitive_fields`. */
  details?: Record<string, unknown>;
  /**
   * The manifest's `sensitive_fields`, masked inside `details` by `redactJson`: bare names at any depth,
   * dotted paths from `details.arguments` (where the tool arguments go).
   */
  sensitive_fields?: string[];
}

/**
 * Where modules send audit events. `record` resolves once the event is durably committed (a caller that
 * must not proceed without its audit row awaits it); it rejects when the event could not be written.
 */
export interface AuditSink {
  record(event: AuditEventInput): Promise<void>;
}

/** Provided application-wide by the audit module; inject with `@Optional()` in lower layers. */
export const AUDIT_SINK = 'toolgate:audit-sink';
