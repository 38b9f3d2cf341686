import { type Principal } from '@toolgate/core';
import { type PolicyDecision } from '@toolgate/policy';

export const ACTION_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'consumed',
  'cancelled',
  'expired',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** One held tool call, as stored (arguments already redacted) with its status as of now. */
export interface PendingAction {
  id: string;
  tenant: string;
  /** The requester. */
  subject: string;
  requesterRoles: string[];
  /** How the requester authenticated; null on actions held before this was recorded. */
  requesterKind: Principal['kind'] | null;
  /** When the requester is an API key: the key's id and the subject who minted it (the person behind it). */
  requesterKeyId: string | null;
  requesterKeyCreatedBy: string | null;
  toolId: string;
  manifestVersion: number;
  policyVersion: string;
  /** SHA-256 of the canonical JSON of the arguments. */
  payloadDigest: string;
  status: ActionStatus;
  requiresApproval: boolean;
  approverRoles: string[];
  /** The policy rule that asked for the approval (or the confirmation). */
  policyRule: string | null;
  /** The arguments with the tool's `sensitive_fields` (and secret-looking names) redacted. */
  arguments: Record<string, unknown>;
  correlationId: string;
  decidedBy: string | null;
  /**
   * The roles the decider held when deciding (for an approval: whether the policy at confirm still accepts
   * it); null on actions decided before this was recorded and on undecided ones.
   */
  decidedByRoles: string[] | null;
  decisionReason: string | null;
  decidedAt: Date | null;
  createdAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
}

/** Who decided an action last, and the status before: what undoing a decision puts back. */
export type DecisionState = Pick<
  PendingAction,
  'status' | 'decidedBy' | 'decidedByRoles' | 'decisionReason' | 'decidedAt'
>;

/** What the invoke pipeline (or the MCP server) knows when a decision requires confirmation. */
export interface HoldRequest {
  principal: Principal;
  toolId: string;
  manifestVersion: number;
  /** The validated tool arguments (hashed for the binding; stored only redacted). */
  input: Record<string, unknown>;
  sensitiveFields: string[];
  decision: Pick<PolicyDecision, 'policy_version' | 'require_approval'>;
  /** Joins the audit events of the invoke and its confirm. */
  correlationId: string;
  requestId: string;
}

/** The 202 body: nothing ran; confirm with `action_token` (after approval when `requires_approval`). */
export interface HeldAction {
  requires_confirmation: true;
  action_id: string;
  action_token: string;
  expires_at: string;
  requires_approval: boolean;
  /** The gateway's id joining this call's audit events; the confirm's 200 answers the same one. */
  correlation_id: string;
}

/** A confirm, after the caller was authenticated and authorized again for `toolId`. */
export interface ConsumeRequest {
  principal: Principal;
  toolId: string;
  actionToken: string;
  /** The arguments sent again with the confirm (without `action_token`). */
  input: Record<string, unknown>;
  /** The tool's manifest version now. */
  manifestVersion: number;
  /** The policy decision now. */
  decision: Pick<PolicyDecision, 'policy_version' | 'require_approval'>;
  requestId: string;
  sensitiveFields?: string[];
}

/** Filter of `GET /actions`. */
export interface ActionQuery {
  status: ActionStatus;
  limit: number;
}
