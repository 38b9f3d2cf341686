import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { type ActionTransition, TRANSITION_FROM, TRANSITION_TO } from './action-status.util';
import { TooManyOpenActionsException } from './confirmation.exception';
import { type ActionQuery, type ActionStatus, type PendingAction } from './confirmation.types';

interface ActionRow {
  id: string;
  tenant: string;
  subject: string;
  requester_roles: string[];
  requester_kind: PendingAction['requesterKind'];
  requester_key_id: string | null;
  requester_key_created_by: string | null;
  tool_id: string;
  manifest_version: number;
  policy_version: string;
  payload_digest: string;
  status: ActionStatus;
  requires_approval: boolean;
  approver_roles: string[];
  policy_rule: string | null;
  arguments: Record<string, unknown>;
  correlation_id: string;
  decided_by: string | null;
  decision_reason: string | null;
  decided_at: Date | null;
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

/** A new action, as the confirmation service builds it. */
export type NewAction = Omit<
  PendingAction,
  'id' | 'status' | 'decidedBy' | 'decisionReason' | 'decidedAt' | 'createdAt' | 'expiresAt' | 'consumedAt'
> & { tokenHash: string };

const COLUMNS = `id, tenant, subject, requester_roles, requester_kind, requester_key_id, requester_key_created_by,
  tool_id, manifest_version, policy_version, payload_digest, status, requires_approval, approver_roles,
  policy_rule, arguments, correlation_id, decided_by, decision_reason, decided_at, created_at, expires_at,
  consumed_at`;
const OPEN = `status IN ('pending', 'approved')`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toAction(row: ActionRow): PendingAction {
  return {
    id: row.id,
    tenant: row.tenant,
    subject: row.subject,
    requesterRoles: row.requester_roles,
    requesterKind: row.requester_kind,
    requesterKeyId: row.requester_key_id,
    requesterKeyCreatedBy: row.requester_key_created_by,
    toolId: row.tool_id,
    manifestVersion: row.manifest_version,
    policyVersion: row.policy_version,
    payloadDigest: row.payload_digest,
    status: row.status,
    requiresApproval: row.requires_approval,
    approverRoles: row.approver_roles,
    policyRule: row.policy_rule,
    arguments: row.arguments,
    correlationId: row.correlation_id,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    decidedAt: row.decided_at,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}

/** SQL for `pending_actions`. Every status change is one guarded UPDATE (compare-and-set on the status). */
@Injectable()
export class PendingActionStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the action unless its subject already holds `maxOpen` open ones (429), serialised per subject. */
  insert(action: NewAction, ttlSec: number, maxOpen: number): Promise<PendingAction> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('toolgate:pending-actions'), hashtext($1))`, [
        `${action.tenant}\u001f${action.subject}`,
      ]);
      const [open]: { count: number; retry_after: number | null }[] = await em.query(
        `SELECT count(*)::int AS count, ceil(extract(epoch FROM min(expires_at) - now()))::int AS retry_after
           FROM pending_actions WHERE tenant = $1 AND subject = $2 AND ${OPEN} AND expires_at > now()`,
        [action.tenant, action.subject],
      );
      if (open.count >= maxOpen)
        throw new TooManyOpenActionsException(maxOpen, Math.max(1, open.retry_after ?? 1));
      const rows: ActionRow[] = await em.query(
        `INSERT INTO pending_actions (tenant, subject, requester_roles, tool_id, manifest_version, policy_version,
           payload_digest, token_hash, status, requires_approval, approver_roles, policy_rule, arguments,
           correlation_id, expires_at, requester_kind, requester_key_id, requester_key_created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $11, $12, $13, now() + make_interval(secs => $14),
           $15, $16, $17)
         RETURNING ${COLUMNS}`,
        [
          action.tenant,
          action.subject,
          action.requesterRoles,
          action.toolId,
          action.manifestVersion,
          action.policyVersion,
          action.payloadDigest,
          action.tokenHash,
          action.requiresApproval,
          action.approverRoles,
          action.policyRule,
          JSON.stringify(action.arguments),
          action.correlationId,
          ttlSec,
          action.requesterKind,
          action.requesterKeyId,
          action.requesterKeyCreatedBy,
        ],
      );
      return toAction(rows[0]);
    });
  }

  async findByTokenHash(tokenHash: string): Promise<PendingAction | undefined> {
    return this.one(`SELECT ${COLUMNS} FROM pending_actions WHERE token_hash = $1`, [tokenHash]);
  }

  /** The action `id` of `tenant`; undefined for another tenant's or a malformed id. */
  async findInTenant(id: string, tenant: string): Promise<PendingAction | undefined> {
    if (!UUID.test(id)) return undefined;
    return this.one(`SELECT ${COLUMNS} FROM pending_actions WHERE id = $1 AND tenant = $2`, [id, tenant]);
  }

  /**
   * The single consuming statement: succeeds for exactly one caller, and only while the action is `approved`
   * (approval required) or `pending` (confirmation only), unexpired and bound to `payloadDigest`.
   */
  consume(id: string, payloadDigest: string): Promise<PendingAction | undefined> {
    return this.one(
      `WITH consumed AS (
         UPDATE pending_actions SET status = 'consumed', consumed_at = now()
          WHERE id = $1 AND ${OPEN} AND status = CASE WHEN requires_approval THEN 'approved' ELSE 'pending' END
            AND expires_at > now() AND payload_digest = $2
          RETURNING ${COLUMNS})
       SELECT * FROM consumed`,
      [id, payloadDigest],
    );
  }

  /** Applies approve / reject / cancel to an unexpired action of `tenant` in a status it may start from. */
  transition(
    id: string,
    tenant: string,
    transition: Exclude<ActionTransition, 'expire'>,
    decision: { by: string; reason: string | null },
  ): Promise<PendingAction | undefined> {
    return this.one(
      `WITH changed AS (
         UPDATE pending_actions SET status = $3, decided_by = $4, decision_reason = $5, decided_at = now()
          WHERE id = $1 AND tenant = $2 AND status = ANY($6::text[]) AND expires_at > now()
          RETURNING ${COLUMNS})
       SELECT * FROM changed`,
      [id, tenant, TRANSITION_TO[transition], decision.by, decision.reason, TRANSITION_FROM[transition]],
    );
  }

  /** Marks open actions past their expiry `expired` (at most `limit`; `id` narrows to one) and returns them. */
  async expire(limit: number, id?: string): Promise<PendingAction[]> {
    const rows: ActionRow[] = await this.dataSource.query(
      `WITH expired AS (
         UPDATE pending_actions SET status = 'expired'
          WHERE id IN (SELECT id FROM pending_actions
                        WHERE ${OPEN} AND expires_at <= now() AND ($2::uuid IS NULL OR id = $2::uuid)
                        ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            AND ${OPEN}
          RETURNING ${COLUMNS})
       SELECT * FROM expired`,
      [limit, id ?? null],
    );
    return rows.map(toAction);
  }

  /** Actions of `tenant` awaiting (or past) an approval by one of `roles`, newest first, by status now. */
  async listForApprover(tenant: string, roles: string[], query: ActionQuery): Promise<PendingAction[]> {
    const byStatus: Record<ActionStatus, string> = {
      pending: `status = 'pending' AND expires_at > now()`,
      approved: `status = 'approved' AND expires_at > now()`,
      expired: `(status = 'expired' OR (${OPEN} AND expires_at <= now()))`,
      rejected: `status = 'rejected'`,
      consumed: `status = 'consumed'`,
      cancelled: `status = 'cancelled'`,
    };
    const rows: ActionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM pending_actions
        WHERE tenant = $1 AND requires_approval AND approver_roles && $2::text[] AND ${byStatus[query.status]}
        ORDER BY created_at DESC, id LIMIT $3`,
      [tenant, roles, query.limit],
    );
    return rows.map(toAction);
  }

  private async one(sql: string, params: unknown[]): Promise<PendingAction | undefined> {
    const rows: ActionRow[] = await this.dataSource.query(sql, params);
    return rows[0] ? toAction(rows[0]) : undefined;
  }
}
