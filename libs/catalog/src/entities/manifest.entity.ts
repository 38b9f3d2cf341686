import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

import { type ManifestSource, type ToolManifest } from '../manifest.types';

/** The current version of one tool manifest of one tenant (`public` is shared). */
@Entity({ name: 'manifests' })
@Unique('UQ_manifests_tenant_tool_id', ['tenant', 'toolId'])
@Check('CHK_manifests_source', `"source" IN ('provider', 'admin', 'openapi', 'mcp')`)
@Check('CHK_manifests_version', `"version" >= 1`)
export class ManifestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 128 })
  tenant: string;

  @Column({ name: 'tool_id', type: 'varchar', length: 200 })
  toolId: string;

  @Index('IDX_manifests_provider_id')
  @Column({ name: 'provider_id', type: 'varchar', length: 64 })
  providerId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  manifest: ToolManifest;

  @Column({ name: 'safety_tags', type: 'text', array: true, default: () => "'{}'" })
  safetyTags: string[];

  @Column({ type: 'varchar', length: 16 })
  source: ManifestSource;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  /** SHA-256 of the canonical manifest: an unchanged manifest is not written again. */
  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
