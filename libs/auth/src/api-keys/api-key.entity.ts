import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

/** A service client's credential: bound to a subject, tenant, roles and scopes; stored only hashed. */
@Entity({ name: 'api_keys' })
@Check('CHK_api_keys_secret_hash', 'octet_length("secret_hash") = 32')
@Index('IDX_api_keys_tenant_created_at', ['tenant', 'createdAt'])
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('UQ_api_keys_lookup_id', { unique: true })
  @Column({ name: 'lookup_id', type: 'varchar', length: 16 })
  lookupId: string;

  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash: Buffer;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 256 })
  subject: string;

  @Column({ type: 'varchar', length: 128 })
  tenant: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes: string[];

  @Column({ name: 'created_by', type: 'varchar', length: 256 })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** The key this one was minted with; null when a person (JWT) minted it. Revoking a key revokes its tree. */
  @Index('IDX_api_keys_parent_key_id')
  @Column({ name: 'parent_key_id', type: 'uuid', nullable: true })
  parentKeyId: string | null;

  @ManyToOne(() => ApiKeyEntity, { createForeignKeyConstraints: true })
  @JoinColumn({ name: 'parent_key_id', foreignKeyConstraintName: 'FK_api_keys_parent_key_id' })
  parent?: ApiKeyEntity;
}
