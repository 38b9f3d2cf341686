import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import {
  DuplicateManifestException,
  ManifestNotFoundException,
  TooManyToolsException,
} from '../catalog.exception';
import { ManifestVersionEntity } from '../entities/manifest-version.entity';
import { ManifestEntity } from '../entities/manifest.entity';
import { type ManifestSource, PUBLIC_TENANT, type ToolManifest } from '../manifest.types';
import { manifestHash, planProviderSync, type SyncPlan } from '../manifest/manifest.util';
import { findRow, insertRow, writeRow } from './manifest-row.util';

const SYNC_LOCK = 'toolgate:catalog:provider-sync';
const TENANT_LOCK = 'toolgate:catalog:tenant:';

/** What the sync did with one provider tool, and the version the tool is at afterwards. */
export interface SyncOutcome {
  toolId: string;
  plan: SyncPlan;
  version: number;
}

/** One manifest of a committed batch: its row, and what was written (nothing when it was unchanged). */
export interface BatchOutcome {
  row: ManifestEntity;
  change?: 'created' | 'updated';
}

/** A write decided (every check passed) before any row of its transaction is written. */
interface PlannedWrite {
  manifest: ToolManifest;
  stored: ManifestEntity | null;
  /** `create` adds a tool (new, or a disabled row enabled again as the next version). */
  action: 'create' | 'update' | 'unchanged';
}

/**
 * Writes of the `manifests` table. Each change bumps the version, appends the new version to
 * `manifest_versions` and NOTIFYs `CATALOG_CHANNEL` inside the same transaction. A transaction that adds
 * tools to a tenant holds the tenant's advisory lock, so its checks (ids, tool count) hold until it commits.
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
        const stored = await findRow(em, PUBLIC_TENANT, manifest.toolId);
        const plan = planProviderSync(stored ?? undefined, manifestHash(manifest));
        let row = stored;
        if (plan === 'insert') row = await insertRow(em, manifest, 'provider', 'provider-sync');
        if (plan === 'update') row = await writeRow(em, stored!, manifest, 'updated', 'provider-sync');
        outcomes.push({ toolId: manifest.toolId, plan, version: row!.version });
      }
      return outcomes;
    });
  }

  /**
   * Creates a manifest (or re-creates a disabled one, next version). Refuses when the tool id is active in
   * the tenant or, for a tenant other than `public`, exists in `public`, enabled or not: a tenant cannot
   * shadow a shared tool, nor take over one the platform disabled. `maxTools`: the tenant's cap.
   */
  create(
    manifest: ToolManifest,
    source: ManifestSource,
    changedBy: string,
    maxTools?: number,
  ): Promise<ManifestEntity> {
    return this.dataSource.transaction(async (em) => {
      await lockTenant(em, manifest.tenant);
      const plan = await this.plan(em, manifest, source, 'refuse');
      await assertRoom(em, manifest.tenant, 1, maxTools);
      return (await apply(em, plan, source, changedBy)).row;
    });
  }

  /**
   * Creates or updates manifests of one tenant, all or nothing: in one transaction, every manifest is
   * checked (a `public` id, enabled or disabled, is 409 for another tenant; the tenant's cap) before any is
   * written, so a refusal leaves nothing behind. Identical content is not written.
   */
  upsertMany(
    manifests: ToolManifest[],
    source: ManifestSource,
    changedBy: string,
    maxTools?: number,
  ): Promise<BatchOutcome[]> {
    const tenant = manifests[0]?.tenant;
    if (manifests.some((manifest) => manifest.tenant !== tenant)) throw new Error('one tenant per batch');
    if (tenant === undefined) return Promise.resolve([]);
    return this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenant);
      const plans: PlannedWrite[] = [];
      for (const manifest of manifests) plans.push(await this.plan(em, manifest, source, 'update'));
      await assertRoom(em, tenant, plans.filter(({ action }) => action === 'create').length, maxTools);
      const outcomes: BatchOutcome[] = [];
      for (const plan of plans) outcomes.push(await apply(em, plan, source, changedBy));
      return outcomes;
    });
  }

  /** Replaces an active manifest; identical content is not written (no version bump, `changed: false`). */
  update(
    manifest: ToolManifest,
    source: ManifestSource,
    changedBy: string,
  ): Promise<{ row: ManifestEntity; changed: boolean }> {
    return this.dataSource.transaction(async (em) => {
      const stored = await findActive(em, manifest.tenant, manifest.toolId);
      if (stored.contentHash === manifestHash(manifest) && stored.source === source) {
        return { row: stored, changed: false };
      }
      const row = await writeRow(em, stored, manifest, 'updated', changedBy, { source });
      return { row, changed: true };
    });
  }

  /** Disables an active manifest (next version, kept in history). */
  disable(tenant: string, toolId: string, changedBy: string): Promise<ManifestEntity> {
    return this.dataSource.transaction(async (em) => {
      const stored = await findActive(em, tenant, toolId);
      return writeRow(em, stored, stored.manifest, 'disabled', changedBy, { disabled: true });
    });
  }

  /** Checks one manifest of a write and decides what to do with it; writes nothing. */
  private async plan(
    em: EntityManager,
    manifest: ToolManifest,
    source: ManifestSource,
    whenActive: 'refuse' | 'update',
  ): Promise<PlannedWrite> {
    const { tenant, toolId } = manifest;
    if (tenant !== PUBLIC_TENANT) {
      const shared = await em.getRepository(ManifestEntity).findOne({
        select: { id: true, disabled: true },
        where: { tenant: PUBLIC_TENANT, toolId },
      });
      if (shared) throw new DuplicateManifestException(toolId, PUBLIC_TENANT, shared.disabled);
    }
    const stored = await findRow(em, tenant, toolId);
    if (!stored || stored.disabled) return { manifest, stored, action: 'create' };
    if (whenActive === 'refuse') throw new DuplicateManifestException(toolId, tenant);
    const same = stored.contentHash === manifestHash(manifest) && stored.source === source;
    return { manifest, stored, action: same ? 'unchanged' : 'update' };
  }
}

async function apply(
  em: EntityManager,
  { manifest, stored, action }: PlannedWrite,
  source: ManifestSource,
  changedBy: string,
): Promise<BatchOutcome> {
  if (stored && action === 'unchanged') return { row: stored };
  if (stored && action === 'update') {
    return { row: await writeRow(em, stored, manifest, 'updated', changedBy, { source }), change: 'updated' };
  }
  const row = stored
    ? await writeRow(em, stored, manifest, 'created', changedBy, { source, disabled: false })
    : await insertRow(em, manifest, source, changedBy);
  return { row, change: 'created' };
}

/** Serializes the transactions that add tools to one tenant (their checks hold until commit). */
async function lockTenant(em: EntityManager, tenant: string): Promise<void> {
  await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${TENANT_LOCK}${tenant}`]);
}

/** Refuses `adding` more enabled manifests when the tenant would then hold more than `maxTools`. */
async function assertRoom(
  em: EntityManager,
  tenant: string,
  adding: number,
  maxTools: number | undefined,
): Promise<void> {
  if (maxTools === undefined || adding === 0) return;
  const [{ count }] = (await em.query(
    'SELECT count(*)::int AS count FROM manifests WHERE tenant = $1 AND NOT disabled',
    [tenant],
  )) as { count: number }[];
  if (count + adding > maxTools) throw new TooManyToolsException(tenant, maxTools, adding);
}

async function findActive(em: EntityManager, tenant: string, toolId: string): Promise<ManifestEntity> {
  const stored = await findRow(em, tenant, toolId);
  if (!stored || stored.disabled) throw new ManifestNotFoundException(toolId, tenant);
  return stored;
}
