import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';

import { ManifestEntity } from './manifest.entity';

import { type ManifestSource, type ToolManifest } from '../manifest.types';

export type ManifestChange = 'created' | 'updated' | 'disabled';

/** One row per version a manifest went through; never updated or deleted with the manifest kept. */
@Entity({ name: 'manifest_versions' })
@Unique('UQ_manifest_versions_manifest_version', ['manifestId', 'version'])
@Check('CHK_manifest_versions_change', `"change" IN ('created', 'updated', 'disabled')`)
@Index('IDX_manifest_versions_tenant_tool_id', ['tenant', 'toolId'])
export class ManifestVersionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'manifest_id', type: 'uuid' })
  manifestId: string;

  @ManyToOne(() => ManifestEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'manifest_id', foreignKeyConstraintName: 'FK_manifest_versions_manifest' })
  owner?: ManifestEntity;

  @Column({ type: 'varchar', length: 128 })
  tenant: string;

  @Column({ name: 'tool_id', type: 'varchar', length: 200 })
  toolId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 16 })
  change: ManifestChange;

  @Column({ type: 'jsonb' })
  manifest: ToolManifest;

  @Column({ name: 'safety_tags', type: 'text', array: true, default: () => "'{}'" })
  safetyTags: string[];

  @Column({ type: 'varchar', length: 16 })
  source: ManifestSource;

  @Column({ type: 'boolean' })
  disabled: boolean;

  @Column({ name: 'changed_by', type: 'varchar', length: 256 })
  changedBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
