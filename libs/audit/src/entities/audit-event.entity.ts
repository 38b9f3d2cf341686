import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One event of a tenant's hash chain. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. Rows are
 * written by the group-commit writer with plain SQL; TypeORM only reads them.
 */
@Entity({ name: 'audit_events' })
@Check('CHK_audit_events_seq', '"seq" >= 1')
export class AuditEventEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_audit_events' })
  tenant: string;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_audit_events' })
  seq: string;

  @Column({ type: 'timestamptz' })
  ts: Date;

  @Column({ type: 'text' })
  event: string;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ name: 'tool_id', type: 'text', nullable: true })
  toolId: string | null;

  @Column({ type: 'text', nullable: true })
  decision: string | null;

  @Column({ type: 'text', nullable: true })
  status: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId: string | null;

  @Column({ name: 'payload_digest', type: 'text', nullable: true })
  payloadDigest: string | null;

  @Column({ name: 'policy_version', type: 'text', nullable: true })
  policyVersion: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}
