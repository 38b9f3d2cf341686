import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One Idempotency-Key use, scoped by tenant + subject + route + key, with the stored response. */
@Entity({ name: 'idempotency_keys' })
@Index('uq_idempotency_keys_scope', ['tenant', 'subject', 'route', 'key'], { unique: true })
@Index('ix_idempotency_keys_expires_at', ['expiresAt'])
// The name Postgres gave the migration's unnamed column CHECK (`<table>_<column>_check`).
@Check('idempotency_keys_status_check', `"status" IN ('in_flight', 'completed')`)
export class IdempotencyRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  tenant: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  route: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  @Column({ name: 'payload_digest', type: 'char', length: 64 })
  payloadDigest: string;

  /** `in_flight` while the first request runs, `completed` once its response is stored. */
  @Column({ type: 'text' })
  status: 'in_flight' | 'completed';

  @Column({ name: 'response_status', type: 'int', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_content_type', type: 'text', nullable: true })
  responseContentType: string | null;

  /** The exact bytes sent the first time (UTF-8 JSON), replayed byte for byte. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
