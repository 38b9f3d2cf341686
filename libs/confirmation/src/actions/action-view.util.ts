import { effectiveStatus } from '../checks/action-status.util';
import { type PendingAction } from '../confirmation.types';
import { type ActionDto } from '../dto/action.dto';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** The approver's view of an action: status as of `now`, arguments as stored (redacted), never the token. */
export function toActionView(action: PendingAction, now: Date = new Date()): ActionDto {
  return {
    action_id: action.id,
    toolId: action.toolId,
    status: effectiveStatus(action, now),
    arguments: action.arguments,
    requester: {
      subject: action.subject,
      roles: action.requesterRoles,
      credential_kind: action.requesterKind,
      key_id: action.requesterKeyId,
      key_created_by: action.requesterKeyCreatedBy,
    },
    requires_approval: action.requiresApproval,
    approver_roles: action.approverRoles,
    policy_rule: action.policyRule,
    manifest_version: action.manifestVersion,
    correlation_id: action.correlationId,
    created_at: action.createdAt.toISOString(),
    expires_at: action.expiresAt.toISOString(),
    decided_by: action.decidedBy,
    decision_reason: action.decisionReason,
    decided_at: iso(action.decidedAt),
    consumed_at: iso(action.consumedAt),
  };
}
