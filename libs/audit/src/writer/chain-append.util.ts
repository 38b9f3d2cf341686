import { escapeLiteral, type QueryResult } from 'pg';

import { type ChainHead, type PendingAuditEvent } from '../audit.types';
import { type LinkedEvent, linkEvents } from '../chain/audit-hash.util';

/** What an append needs of a `pg` client: simple-protocol queries (several statements allowed). */
export interface SqlSession {
  query(text: string): Promise<unknown>;
}

/** First key of the per-tenant advisory lock ("AUDT"); the second is `hashtext(tenant)`. */
export const AUDIT_LOCK_CLASS = 0x41554454;

const COLUMNS =
  'tenant, seq, ts, event, subject, tool_id, decision, status, request_id, correlation_id, ' +
  'payload_digest, policy_version, details, prev_hash, hash';

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

/**
 * Server-side bounds of a chain transaction, in milliseconds. A writer that waits for the tenant's lock
 * gives up after `lockMs` (another session holds it); a transaction left idle after reading the head (its
 * writer died, or stopped, before the INSERT) is ended by Postgres after `idleMs`, releasing the lock.
 */
export interface ChainTimeouts {
  lockMs: number;
  idleMs: number;
}

/**
 * Half the write timeout for the lock wait, so a flush blocked by a lock fails with Postgres' own error
 * (and frees its connection) well before the caller-side timeout; the whole write timeout for idling: by
 * then the flush that opened the transaction has failed its callers, nobody waits for it any more, while a
 * live writer idles only for the time it takes to link and hash one batch (milliseconds).
 */
export function chainTimeouts(writeTimeoutMs: number): ChainTimeouts {
  const ms = Math.max(2, Math.floor(writeTimeoutMs));
  return { lockMs: Math.floor(ms / 2), idleMs: ms };
}

/** Scoped to the transaction (`SET LOCAL`): other users of the pool keep their own settings. */
function lockTimeoutStatement(timeouts: ChainTimeouts): string {
  return `SET LOCAL lock_timeout = ${Math.floor(timeouts.lockMs)}`;
}

function idleTimeoutStatement(timeouts: ChainTimeouts): string {
  return `SET LOCAL idle_in_transaction_session_timeout = ${Math.floor(timeouts.idleMs)}`;
}

export function lockStatement(tenant: string): string {
  return `SELECT pg_advisory_xact_lock(${AUDIT_LOCK_CLASS}, hashtext(${escapeLiteral(tenant)}))`;
}

/** One multi-row INSERT; the rows travel as one dollar-quoted JSON array (no escaping, no parameters). */
export function insertStatement(linked: readonly LinkedEvent[]): string {
  const json = `[${linked.map((event) => event.json).join(',')}]`;
  let tag = '$audit$';
  while (json.includes(tag)) tag = `$audit${Math.random().toString(36).slice(2, 10)}$`;
  return (
    `INSERT INTO audit_events (${COLUMNS}) SELECT ${COLUMNS} ` +
    `FROM json_populate_recordset(NULL::audit_events, ${tag}${json}${tag}::json)`
  );
}

/**
 * Appends `events` to `tenant`'s chain in one transaction serialized by the tenant's advisory lock
 * (READ COMMITTED), so replicas sharing the database never fork a chain.
 *
 * With a `known` head (what this process last committed) it is one round trip: lock and INSERT in one
 * implicit transaction. If another writer appended meanwhile, the primary key `(tenant, seq)` refuses the
 * INSERT and the append falls back to the general path: BEGIN, lock, read the head under the lock, INSERT,
 * COMMIT (two round trips). The `timeouts` travel in the same batches (`SET LOCAL`): no extra round trip.
 */
export async function appendToChain(
  session: SqlSession,
  tenant: string,
  events: readonly PendingAuditEvent[],
  known: ChainHead | null | undefined,
  timeouts: ChainTimeouts,
): Promise<LinkedEvent[]> {
  const lock = `${lockTimeoutStatement(timeouts)}; ${lockStatement(tenant)}`;
  if (known !== undefined) {
    const linked = linkEvents(events, known);
    try {
      await session.query(`${lock}; ${insertStatement(linked)}`);
      return linked;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  try {
    const begin = `BEGIN; ${idleTimeoutStatement(timeouts)}; ${lock}; ${headStatement(tenant)}`;
    const results = (await session.query(begin)) as QueryResult[];
    const row = (results.at(-1) as QueryResult<{ seq: string; hash: string }>).rows[0];
    const linked = linkEvents(events, row ? { seq: Number(row.seq), hash: row.hash } : null);
    await session.query(`${insertStatement(linked)}; COMMIT`);
    return linked;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function headStatement(tenant: string): string {
  return `SELECT seq, hash FROM audit_events WHERE tenant = ${escapeLiteral(tenant)} ORDER BY seq DESC LIMIT 1`;
}
