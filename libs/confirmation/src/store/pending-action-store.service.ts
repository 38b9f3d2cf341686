import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { type ActionTransition, TRANSITION_FROM, TRANSITION_TO } from '../checks/action-status.util';
import { TooManyOpenActionsException } from '../confirmation.exception';
import {
  type ActionQuery,
  type ActionStatus,
  type DecisionState,
  type PendingAction,
} from '../confirmation.types';
import { ACTION_COLUMNS, type ActionRow, toAction } from './pending-action-row.util';

/** A new action, as the confirmation service builds it. */
export type NewAction = Omit<
  PendingAction,
  | 'id'
  | 'status'
  | 'decidedBy'
  | 'decidedByRoles'
  | 'decisionReason'
  | 'decidedAt'
  | 'createdAt'
  | 'expiresAt'
  | 'consumedAt'
> & { tokenHash: string };

/** A decision as applied, and what it replaced. */
export interface AppliedDecision {
  action: PendingAction;
  prior: DecisionState;
}

interface PriorRow {
  status: ActionStatus;
  decided_by: string | null;
  decided_by_roles: string[] | null;
  decision_reason: string | null;
  decided_at: Date | null;
}

const OPEN = `status IN ('pending', 'approved')`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
         RETURNING ${ACTION_COLUMNS}`,
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
    return this.one(`SELECT ${ACTION_COLUMNS} FROM pending_actions WHERE token_hash = $1`, [tokenHash]);
  }

  /** The action `id` of `tenant`; undefined for another tenant's or a malformed id. */
  async findInTenant(id: string, tenant: string): Promise<PendingAction | undefined> {
    if (!UUID.test(id)) return undefined;
    return this.one(`SELECT ${ACTION_COLUMNS} FROM pending_actions WHERE id = $1 AND tenant = $2`, [
      id,
      tenant,
    ]);
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
          RETURNING ${ACTION_COLUMNS})
       SELECT * FROM consumed`,
      [id, payloadDigest],
    );
  }

  /**
   * Applies approve / reject / cancel to an unexpired action of `tenant` in a status it may start from, and
   * returns it with the decision it replaced. `recorded` (the audit event) runs before the commit, with the
   * row still locked: a confirm or another decision waits for it, and when it throws the change is rolled
   * back, so no decision is ever visible without its event. The transaction holds a pooled connection for
   * that long (the audit write's own timeout bounds it).
   */
  transition(
    id: string,
    tenant: string,
    transition: Exclude<ActionTransition, 'expire'>,
    decision: { by: string; roles: string[]; reason: string | null },
    recorded: (applied: AppliedDecision) => Promise<void>,
  ): Promise<AppliedDecision | undefined> {
    return this.dataSource.transaction(async (em) => {
      const [prior]: PriorRow[] = await em.query(
        `SELECT status, decided_by, decided_by_roles, decision_reason, decided_at FROM pending_actions
          WHERE id = $1 AND tenant = $2 FOR UPDATE`,
        [id, tenant],
      );
      if (!prior) return undefined;
      const rows: ActionRow[] = await em.query(
        `WITH changed AS (
           UPDATE pending_actions
              SET status = $2, decided_by = $3, decided_by_roles = $4, decision_reason = $5, decided_at = now()
            WHERE id = $1 AND status = ANY($6::text[]) AND expires_at > now()
            RETURNING ${ACTION_COLUMNS})
         SELECT * FROM changed`,
        [
          id,
          TRANSITION_TO[transition],
          decision.by,
          decision.roles,
          decision.reason,
          TRANSITION_FROM[transition],
        ],
      );
      if (!rows[0]) return undefined;
      const applied: AppliedDecision = {
        action: toAction(rows[0]),
        prior: {
          status: prior.status,
          decidedBy: prior.decided_by,
          decidedByRoles: prior.decided_by_roles,
          decisionReason: prior.decision_reason,
          decidedAt: prior.decided_at,
        },
      };
      await recorded(applied);
      return applied;
    });
  }

  /**
   * Reopens a consumed action (its `tools.confirm` could not be audited, so nothing ran): back to the status
   * a confirm consumes from, so the same token can confirm it again.
   */
  async reopen(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH reopened AS (
         UPDATE pending_actions
            SET status = CASE WHEN requires_approval THEN 'approved' ELSE 'pending' END, consumed_at = NULL
          WHERE id = $1 AND status = 'consumed'
          RETURNING id)
       SELECT id FROM reopened`,
      [id],
    );
    return rows.length > 0;
  }

  /**
   * Deletes an action whose creation could not be audited (its token was never handed out), unless an
   * approver decided it meanwhile: that decision has its own event, and the action then simply expires.
   */
  async remove(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH removed AS (
         DELETE FROM pending_actions WHERE id = $1 AND status = 'pending' AND decided_by IS NULL RETURNING id)
       SELECT id FROM removed`,
      [id],
    );
    return rows.length > 0;
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
          RETURNING ${ACTION_COLUMNS})
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
      `SELECT ${ACTION_COLUMNS} FROM pending_actions
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
