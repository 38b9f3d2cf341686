/** Chain of events no tenant owns: authentication failures and gateway-wide changes (policy reloads). */
export const GATEWAY_TENANT = '_gateway';

/** `prev_hash` of the first event of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** One audit event as stored (a row of `audit_events`, a line of the JSONL mirror), without its hash. */
export interface AuditRecordBody {
  tenant: string;
  seq: number;
  /** ISO 8601 UTC with milliseconds. */
  ts: string;
  event: string;
  subject: string | null;
  tool_id: string | null;
  decision: string | null;
  status: string | null;
  request_id: string | null;
  correlation_id: string | null;
  payload_digest: string | null;
  policy_version: string | null;
  /** Redacted context, keys sorted at every depth. */
  details: Record<string, unknown>;
  prev_hash: string;
}

/** A stored event: the body plus `hash` = SHA-256 of the canonical JSON of the body. */
export interface AuditRecord extends AuditRecordBody {
  hash: string;
}

/**
 * An event accepted by the sink, waiting for its chain position (`seq`, `prev_hash`). Its `details` are
 * redacted and storable (`toPendingEvent`); the writer hashes their canonical JSON.
 */
export type PendingAuditEvent = Omit<AuditRecordBody, 'seq' | 'prev_hash'>;

/** The last event of a chain. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** What a verification found. `first_invalid_seq` is null when the chain is valid. */
export interface ChainReport {
  valid: boolean;
  events_checked: number;
  first_invalid_seq: number | null;
  /** Why the first invalid event is invalid (null when valid). */
  reason: string | null;
  /** The last valid event checked. */
  head: ChainHead | null;
}
