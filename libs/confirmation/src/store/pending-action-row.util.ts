import { type ActionStatus, type PendingAction } from '../confirmation.types';

/** One `pending_actions` row as the driver returns it (every column but `token_hash`). */
export interface ActionRow {
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
  decided_by_roles: string[] | null;
  decision_reason: string | null;
  decided_at: Date | null;
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

/** The columns of `ActionRow`, for SELECT and RETURNING lists. */
export const ACTION_COLUMNS = `id, tenant, subject, requester_roles, requester_kind, requester_key_id,
  requester_key_created_by, tool_id, manifest_version, policy_version, payload_digest, status, requires_approval,
  approver_roles, policy_rule, arguments, correlation_id, decided_by, decided_by_roles, decision_reason,
  decided_at, created_at, expires_at, consumed_at`;

/** Statuses from which nothing can change any more (what the retention sweep may delete). */
export const FINISHED_STATUSES: readonly ActionStatus[] = ['consumed', 'rejected', 'cancelled', 'expired'];

export function toAction(row: ActionRow): PendingAction {
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
    decidedByRoles: row.decided_by_roles,
    decisionReason: row.decision_reason,
    decidedAt: row.decided_at,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}
