import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import { type ActionStatus } from '../confirmation.types';

/**
 * A tool call held for confirmation (and approval). Only the SHA-256 of the action token is stored, and the
 * arguments only with their sensitive fields redacted. Statuses change through single guarded UPDATEs.
 */
@Entity({ name: 'pending_actions' })
@Index('uq_pending_actions_token_hash', ['tokenHash'], { unique: true })
@Index('ix_pending_actions_tenant_status', ['tenant', 'status', 'createdAt'])
@Index('ix_pending_actions_open_by_subject', ['tenant', 'subject'], {
  where: `"status" IN ('pending', 'approved')`,
})
@Index('ix_pending_actions_open_expires_at', ['expiresAt'], {
  where: `"status" IN ('pending', 'approved')`,
})
@Index('ix_pending_actions_finished_expires_at', ['expiresAt'], {
  where: `"status" IN ('consumed', 'rejected', 'cancelled', 'expired')`,
})
@Check('chk_pending_actions_requester_kind', `"requester_kind" IN ('jwt', 'api_key')`)
@Check(
  'chk_pending_actions_status',
  `"status" IN ('pending', 'approved', 'rejected', 'consumed', 'cancelled', 'expired')`,
)
export class PendingActionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 128 })
  tenant: string;

  @Column({ type: 'varchar', length: 256 })
  subject: string;

  @Column({ name: 'requester_roles', type: 'text', array: true, default: () => "'{}'" })
  requesterRoles: string[];

  /** `jwt` or `api_key`; null on actions held before it was recorded. */
  @Column({ name: 'requester_kind', type: 'varchar', length: 16, nullable: true })
  requesterKind: 'jwt' | 'api_key' | null;

  /** The requester's API key, when it used one, and the subject who minted that key. */
  @Column({ name: 'requester_key_id', type: 'uuid', nullable: true })
  requesterKeyId: string | null;

  @Column({ name: 'requester_key_created_by', type: 'varchar', length: 256, nullable: true })
  requesterKeyCreatedBy: string | null;

  @Column({ name: 'tool_id', type: 'varchar', length: 200 })
  toolId: string;

  @Column({ name: 'manifest_version', type: 'integer' })
  manifestVersion: number;

  @Column({ name: 'policy_version', type: 'varchar', length: 128 })
  policyVersion: string;

  @Column({ name: 'payload_digest', type: 'char', length: 64 })
  payloadDigest: string;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'varchar', length: 16 })
  status: ActionStatus;

  @Column({ name: 'requires_approval', type: 'boolean' })
  requiresApproval: boolean;

  @Column({ name: 'approver_roles', type: 'text', array: true, default: () => "'{}'" })
  approverRoles: string[];

  @Column({ name: 'policy_rule', type: 'varchar', length: 256, nullable: true })
  policyRule: string | null;

  /** Redacted copy of the arguments, for the approver's view. */
  @Column({ type: 'jsonb' })
  arguments: Record<string, unknown>;

  @Column({ name: 'correlation_id', type: 'varchar', length: 128 })
  correlationId: string;

  @Column({ name: 'decided_by', type: 'varchar', length: 256, nullable: true })
  decidedBy: string | null;

  /** The decider's roles when deciding (an approval counts at confirm only if the policy still takes one). */
  @Column({ name: 'decided_by_roles', type: 'text', array: true, nullable: true })
  decidedByRoles: string[] | null;

  @Column({ name: 'decision_reason', type: 'varchar', length: 1000, nullable: true })
  decisionReason: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt: Date | null;
}
