import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';

import { type ManifestChange, ManifestVersionEntity } from './entities/manifest-version.entity';
import { ManifestEntity } from './entities/manifest.entity';
import { DuplicateManifestException, ManifestNotFoundException } from './catalog.exception';
import { manifestHash, planProviderSync, type SyncPlan } from './manifest.util';
import { type ManifestSource, PUBLIC_TENANT, type ToolManifest } from './manifest.types';

/** The Postgres channel every replica LISTENs on; one notification per committed catalog change. */
export const CATALOG_CHANNEL = 'toolgate_catalog';
const SYNC_LOCK = 'toolgate:catalog:provider-sync';
const UNIQUE_VIOLATION = '23505';

/** What the sync did with one provider tool, and the version the tool is at afterwards. */
export interface SyncOutcome {
  toolId: string;
  plan: SyncPlan;
  version: number;
}

/**
 * Writes of the `manifests` table. Each change bumps the version, appends the new version to
 * `manifest_versions` and NOTIFYs `CATALOG_CHANNEL` inside the same transaction (Postgres delivers
 * it only once the transaction commits).
 */
@Injectable()
export class ManifestStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Enabled manifests of every tenant (what the in-memory catalog holds). */
  loadActive(): Promise<ManifestEntity[]> {
    return this.dataSource.getRepository(ManifestEntity).find({ where: { disabled: false } });
  }

  history(tenant: string, toolId: string): Promise<ManifestVersionEntity[]> {
    return this.dataSource
      .getRepository(ManifestVersionEntity)
      .find({ where: { tenant, toolId }, order: { version: 'ASC' } });
  }

  /** Upserts provider tools as `public` manifests, one replica at a time (advisory lock). */
  syncProviderManifests(manifests: ToolManifest[]): Promise<SyncOutcome[]> {
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [SYNC_LOCK]);
      const outcomes: SyncOutcome[] = [];
      for (const manifest of manifests) {
        const stored = await this.find(em, PUBLIC_TENANT, manifest.toolId);
        const plan = planProviderSync(stored ?? undefined, manifestHash(manifest));
        let row = stored;
        if (plan === 'insert') row = await this.insert(em, manifest, 'provider', 'provider-sync');
        if (plan === 'update') row = await this.write(em, stored!, manifest, 'updated', 'provider-sync');
        outcomes.push({ toolId: manifest.toolId, plan, version: row!.version });
      }
      return outcomes;
    });
  }

  /**
   * Creates a manifest (or re-creates a disabled one, next version). Refuses when the tool id is active in
   * the tenant or, for a tenant other than `public`, exists in `public`, enabled or not: a tenant cannot
   * shadow a shared tool, nor take over one the platform disabled.
   */
  create(manifest: ToolManifest, source: ManifestSource, changedBy: string): Promise<ManifestEntity> {
    return this.withConflictMapping(manifest, () =>
      this.dataSource.transaction(async (em) => {
        const { toolId, tenant } = manifest;
        const clash = await em.getRepository(ManifestEntity).findOne({
          where: [
            { toolId, tenant, disabled: false },
            ...(tenant === PUBLIC_TENANT ? [] : [{ toolId, tenant: PUBLIC_TENANT }]),
          ],
        });
        if (clash) throw new DuplicateManifestException(toolId, clash.tenant, clash.disabled);
        const stored = await this.find(em, manifest.tenant, manifest.toolId);
        if (stored)
          return this.write(em, stored, manifest, 'created', changedBy, { source, disabled: false });
        return this.insert(em, manifest, source, changedBy);
      }),
    );
  }

  /** Replaces an active manifest; identical content is not written (no version bump, `changed: false`). */
  update(
    manifest: ToolManifest,
    source: ManifestSource,
    changedBy: string,
  ): Promise<{ row: ManifestEntity; changed: boolean }> {
    return this.dataSource.transaction(async (em) => {
      const stored = await this.findActive(em, manifest.tenant, manifest.toolId);
      if (stored.contentHash === manifestHash(manifest) && stored.source === source) {
        return { row: stored, changed: false };
      }
      return { row: await this.write(em, stored, manifest, 'updated', changedBy, { source }), changed: true };
    });
  }

  /** Disables an active manifest (next version, kept in history). */
  disable(tenant: string, toolId: string, changedBy: string): Promise<ManifestEntity> {
    return this.dataSource.transaction(async (em) => {
      const stored = await this.findActive(em, tenant, toolId);
      return this.write(em, stored, stored.manifest, 'disabled', changedBy, { disabled: true });
    });
  }

  private find(em: EntityManager, tenant: string, toolId: string): Promise<ManifestEntity | null> {
    return em
      .getRepository(ManifestEntity)
      .findOne({ where: { tenant, toolId }, lock: { mode: 'pessimistic_write' } });
  }

  private async findActive(em: EntityManager, tenant: string, toolId: string): Promise<ManifestEntity> {
    const stored = await this.find(em, tenant, toolId);
    if (!stored || stored.disabled) throw new ManifestNotFoundException(toolId, tenant);
    return stored;
  }

  private async insert(
    em: EntityManager,
    manifest: ToolManifest,
    source: ManifestSource,
    changedBy: string,
  ): Promise<ManifestEntity> {
    const entity = em.getRepository(ManifestEntity).create({
      tenant: manifest.tenant,
      toolId: manifest.toolId,
      version: 1,
      disabled: false,
      source,
      ...contentColumns(manifest),
    });
    const saved = await em.getRepository(ManifestEntity).save(entity);
    await this.record(em, saved, 'created', changedBy);
    return saved;
  }

  private async write(
    em: EntityManager,
    stored: ManifestEntity,
    manifest: ToolManifest,
    change: ManifestChange,
    changedBy: string,
    overrides: Partial<Pick<ManifestEntity, 'source' | 'disabled'>> = {},
  ): Promise<ManifestEntity> {
    Object.assign(stored, contentColumns(manifest), overrides, { version: stored.version + 1 });
    const saved = await em.getRepository(ManifestEntity).save(stored);
    await this.record(em, saved, change, changedBy);
    return saved;
  }

  private async record(em: EntityManager, row: ManifestEntity, change: ManifestChange, changedBy: string) {
    const versions = em.getRepository(ManifestVersionEntity);
    const version = versions.create({
      manifestId: row.id,
      tenant: row.tenant,
      toolId: row.toolId,
      version: row.version,
      change,
      manifest: row.manifest,
      safetyTags: row.safetyTags,
      source: row.source,
      disabled: row.disabled,
      changedBy,
    });
    await versions.save(version);
    const payload = JSON.stringify({ tenant: row.tenant, toolId: row.toolId, version: row.version, change });
    await em.query('SELECT pg_notify($1, $2)', [CATALOG_CHANNEL, payload]);
  }

  private async withConflictMapping<T>(manifest: ToolManifest, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const code =
        error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
      if (code === UNIQUE_VIOLATION) throw new DuplicateManifestException(manifest.toolId, manifest.tenant);
      throw error;
    }
  }
}

function contentColumns(manifest: ToolManifest) {
  return {
    providerId: manifest.provider_id,
    manifest,
    safetyTags: manifest.safety_tags,
    contentHash: manifestHash(manifest),
  };
}
