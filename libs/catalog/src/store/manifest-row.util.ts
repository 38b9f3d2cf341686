import { type EntityManager, QueryFailedError } from 'typeorm';

import { DuplicateManifestException } from '../catalog.exception';
import { type ManifestChange, ManifestVersionEntity } from '../entities/manifest-version.entity';
import { ManifestEntity } from '../entities/manifest.entity';
import { type ManifestSource, type ToolManifest } from '../manifest.types';
import { manifestHash } from '../manifest/manifest.util';

// Row writes of the `manifests` table inside the caller's transaction: each appends the new version to
// `manifest_versions` and NOTIFYs `CATALOG_CHANNEL` (Postgres delivers it only once the transaction commits).

/** The Postgres channel every replica LISTENs on; one notification per committed catalog change. */
export const CATALOG_CHANNEL = 'toolgate_catalog';
const UNIQUE_VIOLATION = '23505';

/** The current row of a tool in a tenant, locked for the rest of the transaction. */
export function findRow(em: EntityManager, tenant: string, toolId: string): Promise<ManifestEntity | null> {
  return em
    .getRepository(ManifestEntity)
    .findOne({ where: { tenant, toolId }, lock: { mode: 'pessimistic_write' } });
}

/** Inserts version 1 of a manifest; a row another transaction inserted first is 409 `CATALOG.DUPLICATE_TOOL`. */
export async function insertRow(
  em: EntityManager,
  manifest: ToolManifest,
  source: ManifestSource,
  changedBy: string,
): Promise<ManifestEntity> {
  const repository = em.getRepository(ManifestEntity);
  const entity = repository.create({
    tenant: manifest.tenant,
    toolId: manifest.toolId,
    version: 1,
    disabled: false,
    source,
    ...contentColumns(manifest),
  });
  let saved: ManifestEntity;
  try {
    saved = await repository.save(entity);
  } catch (error) {
    const code =
      error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
    if (code === UNIQUE_VIOLATION) throw new DuplicateManifestException(manifest.toolId, manifest.tenant);
    throw error;
  }
  await recordVersion(em, saved, 'created', changedBy);
  return saved;
}

/** Writes the next version of a stored row. */
export async function writeRow(
  em: EntityManager,
  stored: ManifestEntity,
  manifest: ToolManifest,
  change: ManifestChange,
  changedBy: string,
  overrides: Partial<Pick<ManifestEntity, 'source' | 'disabled'>> = {},
): Promise<ManifestEntity> {
  Object.assign(stored, contentColumns(manifest), overrides, { version: stored.version + 1 });
  const saved = await em.getRepository(ManifestEntity).save(stored);
  await recordVersion(em, saved, change, changedBy);
  return saved;
}

async function recordVersion(
  em: EntityManager,
  row: ManifestEntity,
  change: ManifestChange,
  changedBy: string,
): Promise<void> {
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

function contentColumns(manifest: ToolManifest) {
  return {
    providerId: manifest.provider_id,
    manifest,
    safetyTags: manifest.safety_tags,
    contentHash: manifestHash(manifest),
  };
}
