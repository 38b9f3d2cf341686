import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

import { type HttpApiAuth, type HttpOperation } from '../http-api.types';

/** An API ingested from an OpenAPI document, per tenant: where it lives, how to authenticate, its operations. */
@Entity({ name: 'http_apis' })
@Unique('UQ_http_apis_tenant_name', ['tenant', 'name'])
@Check('CHK_http_apis_version', '"version" >= 1')
@Check(
  'CHK_http_apis_auth',
  `"auth" IS NULL OR ("auth" ->> 'type' IN ('bearer', 'header', 'query') AND "auth" ? 'secret_env')`,
)
export class HttpApiEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_http_apis' })
  id: string;

  @Column({ type: 'varchar', length: 128 })
  tenant: string;

  @Column({ type: 'varchar', length: 40 })
  name: string;

  @Column({ name: 'base_url', type: 'varchar', length: 2048 })
  baseUrl: string;

  /** The auth reference (type, variable name, header/parameter name); never the secret. */
  @Column({ type: 'jsonb', nullable: true })
  auth: HttpApiAuth | null;

  @Column({ type: 'jsonb' })
  operations: HttpOperation[];

  /** SHA-256 of the canonical JSON of the ingested document. */
  @Column({ name: 'spec_hash', type: 'char', length: 64 })
  specHash: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 256 })
  updatedBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
