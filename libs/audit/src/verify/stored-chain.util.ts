import { type AuditRecord, type ChainReport } from '../audit.types';
import { ChainVerifier } from '../chain/chain-verifier.util';

/** A row of `audit_events` as `pg` returns it: the stored record, bigint as text and timestamptz as Date. */
export type AuditRow = Omit<AuditRecord, 'seq' | 'ts'> & { seq: string | number; ts: Date | string };

/** Runs one parameterized query (TypeORM's `DataSource.query`, or a `pg` client in the CLI). */
export type RowQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

export const AUDIT_COLUMNS =
  'tenant, seq, ts, event, subject, tool_id, decision, status, request_id, correlation_id, ' +
  'payload_digest, policy_version, details, prev_hash, hash';

export function recordOfRow(row: AuditRow): AuditRecord {
  return {
    tenant: row.tenant,
    seq: Number(row.seq),
    ts: (row.ts instanceof Date ? row.ts : new Date(row.ts)).toISOString(),
    event: row.event,
    subject: row.subject,
    tool_id: row.tool_id,
    decision: row.decision,
    status: row.status,
    request_id: row.request_id,
    correlation_id: row.correlation_id,
    payload_digest: row.payload_digest,
    policy_version: row.policy_version,
    details: row.details,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Verifies one tenant's chain as stored, from seq 1 to the head, reading it in pages by primary key.
 * Independent of the writer: it trusts nothing but the rows.
 */
export async function verifyStoredChain(
  query: RowQuery,
  tenant: string,
  pageSize = 2000,
): Promise<ChainReport> {
  const verifier = new ChainVerifier(true);
  let after = 0;
  for (;;) {
    const rows = await query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE tenant = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [tenant, after, pageSize],
    );
    for (const row of rows) {
      if (!verifier.push(recordOfRow(row))) return verifier.report();
    }
    if (rows.length < pageSize) return verifier.report();
    after = Number(rows[rows.length - 1].seq);
  }
}

/** Every tenant that has a chain. */
export async function chainTenants(query: RowQuery): Promise<string[]> {
  const rows = await query<{ tenant: string }>(
    'SELECT DISTINCT tenant FROM audit_events ORDER BY tenant',
    [],
  );
  return rows.map((row) => row.tenant);
}
