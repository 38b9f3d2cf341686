import { Inject, Injectable } from '@nestjs/common';

import {
  createJsonSchemaAjv,
  type Principal,
  type ProblemViolation,
  ProviderRegistry,
  schemaProblems,
} from '@toolgate/core';

import { type CatalogConfig, catalogConfig, loadCatalogConfig } from '../catalog.config';
import {
  DuplicateManifestException,
  InvalidManifestException,
  ManifestTenantForbiddenException,
  ProviderToolManifestException,
  UnknownProviderException,
} from '../catalog.exception';
import { CatalogService } from '../catalog.service';
import { type ManifestEntity } from '../entities/manifest.entity';
import {
  type CatalogManifest,
  type ManifestSource,
  PUBLIC_TENANT,
  type ToolManifest,
} from '../manifest.types';
import { manifestSizeProblems } from '../manifest/manifest-size.util';
import { type BatchOutcome, ManifestStore } from '../store/manifest-store.service';
import { CatalogEvents, type ManifestChangeType } from '../sync/catalog-events.service';

/** A manifest as an admin submits it; the tenant defaults to the admin's own. */
export type ManifestInput = Omit<ToolManifest, 'tenant' | 'outputs' | 'safety_tags'> & {
  tenant?: string;
  outputs?: ToolManifest['outputs'];
  safety_tags?: string[];
};

export type UpdateInput = Omit<ManifestInput, 'toolId'> & { toolId?: string };

/** A stored manifest as admin routes answer it. */
export interface ManifestRecord extends CatalogManifest {
  disabled: boolean;
}

const CHANGE_EVENTS: Record<NonNullable<BatchOutcome['change']>, ManifestChangeType> = {
  created: 'manifest.registered',
  updated: 'manifest.updated',
};

/**
 * Admin writes of the catalog. An admin writes manifests of its own tenant only; platform admins of the
 * `public` tenant write the shared manifests. Every write is checked (known provider, namespaced id, size,
 * schemas that compile under ajv strict), committed with its history row, reloaded here and announced to
 * every replica, then emitted through `CatalogEvents`.
 */
@Injectable()
export class ManifestAdminService {
  private readonly ajv = createJsonSchemaAjv();

  constructor(
    private readonly store: ManifestStore,
    private readonly catalog: CatalogService,
    private readonly registry: ProviderRegistry,
    private readonly events: CatalogEvents,
    // The defaults when built by hand (specs); the module always provides the validated slice.
    @Inject(catalogConfig.KEY) private readonly config: CatalogConfig = loadCatalogConfig({}),
  ) {}

  async register(principal: Principal, input: ManifestInput): Promise<ManifestRecord> {
    const manifest = this.check(principal, input);
    const row = await this.store.create(manifest, 'admin', principal.subject, this.toolCap(principal));
    return this.committed(principal, row, 'manifest.registered');
  }

  async update(principal: Principal, toolId: string, input: UpdateInput): Promise<ManifestRecord> {
    if (input.toolId !== undefined && input.toolId !== toolId) {
      throw new InvalidManifestException([
        { pointer: '/toolId', detail: `must equal the path's tool id ${toolId}` },
      ]);
    }
    const manifest = this.check(principal, { ...input, toolId });
    const { row, changed } = await this.store.update(manifest, 'admin', principal.subject);
    return changed ? this.committed(principal, row, 'manifest.updated') : recordOf(row);
  }

  /**
   * Creates or updates manifests an importer owns (`openapi`, `mcp`) in the caller's tenant, all or nothing:
   * all are checked here, then again in the store's one transaction (ids `public` holds, enabled or not; the
   * tenant's cap) before any is written. A new or disabled tool is created, an active one updated
   * (identical content is not written); the catalog reloads once; only committed changes are emitted.
   */
  async upsertMany(
    principal: Principal,
    inputs: ManifestInput[],
    source: ManifestSource,
  ): Promise<ManifestRecord[]> {
    const manifests = inputs.map((input) => this.check(principal, input));
    refuseRepeatedIds(manifests);
    const cap = this.toolCap(principal);
    const written = await this.store.upsertMany(manifests, source, principal.subject, cap);
    await this.catalog.reload();
    for (const { row, change } of written) if (change) await this.emit(principal, row, CHANGE_EVENTS[change]);
    return written.map(({ row }) => recordOf(row));
  }

  async disable(principal: Principal, toolId: string): Promise<ManifestRecord> {
    const row = await this.store.disable(principal.tenant, toolId, principal.subject);
    return this.committed(principal, row, 'manifest.disabled');
  }

  private check(principal: Principal, input: ManifestInput): ToolManifest {
    if (input.tenant !== undefined && input.tenant !== principal.tenant) {
      throw new ManifestTenantForbiddenException(principal.tenant);
    }
    if (!this.registry.has(input.provider_id)) {
      throw new UnknownProviderException(input.provider_id, this.registry.keys());
    }
    if (principal.tenant !== PUBLIC_TENANT) {
      this.refuseProviderTool(input);
      // A shared tool's id, refused for every input before any is written, so a batch (an OpenAPI
      // document) is refused whole. The store checks again in its transaction (disabled rows, other replicas).
      if (this.catalog.resolve(input.toolId, { tenant: PUBLIC_TENANT }))
        throw new DuplicateManifestException(input.toolId, PUBLIC_TENANT);
    }
    const manifest: ToolManifest = {
      ...input,
      tenant: principal.tenant,
      outputs: input.outputs ?? { type: 'object' },
      safety_tags: input.safety_tags ?? [],
    };
    // Before anything walks or compiles the schemas: inlined `$ref`s may make one stand for gigabytes.
    const tooLarge = manifestSizeProblems(manifest);
    if (tooLarge.length > 0) throw new InvalidManifestException(tooLarge);
    const problems: ProblemViolation[] = [
      ...(isNamespaced(manifest.toolId, manifest.provider_id)
        ? []
        : [{ pointer: '/toolId', detail: `must start with "${manifest.provider_id}:"` }]),
      ...schemaProblems(this.ajv, manifest.inputs, '/inputs'),
      ...schemaProblems(this.ajv, manifest.outputs, '/outputs'),
    ];
    if (problems.length > 0) throw new InvalidManifestException(problems);
    return manifest;
  }

  /**
   * A tool a provider lists runs that provider's own code (the executor routes by provider and tool id), so
   * only its `public` manifest may describe it: another tenant's manifest would replace its schema, scopes
   * and safety tags for that tenant, and re-enable it there after the platform disabled it.
   */
  private refuseProviderTool({ toolId, provider_id }: ManifestInput): void {
    const listed = this.registry.findToolOf(provider_id, toolId) ?? this.registry.findTool(toolId);
    if (listed) throw new ProviderToolManifestException(toolId, listed.providerKey);
  }

  /** The most enabled manifests the caller's tenant may hold; `public` (the platform's) has no cap. */
  private toolCap(principal: Principal): number | undefined {
    return principal.tenant === PUBLIC_TENANT ? undefined : this.config.maxToolsPerTenant;
  }

  private async committed(
    principal: Principal,
    row: ManifestEntity,
    type: ManifestChangeType,
  ): Promise<ManifestRecord> {
    await this.catalog.reload();
    await this.emit(principal, row, type);
    return recordOf(row);
  }

  private async emit(principal: Principal, row: ManifestEntity, type: ManifestChangeType): Promise<void> {
    await this.events.emit({
      type,
      tenant: row.tenant,
      toolId: row.toolId,
      version: row.version,
      source: row.source,
      actor: { subject: principal.subject, tenant: principal.tenant },
      at: row.updatedAt.toISOString(),
    });
  }
}

/** `<provider>:<name>`, or `<provider>.<namespace>:<name>` for importers (`http.petstore:listPets`). */
function isNamespaced(toolId: string, providerId: string): boolean {
  if (toolId.startsWith(`${providerId}:`)) return toolId.length > providerId.length + 1;
  const namespaced = toolId.startsWith(`${providerId}.`) ? toolId.slice(providerId.length + 1) : '';
  return /^[a-z0-9][a-z0-9-]*:./.test(namespaced);
}

/** One batch names each tool once (which of two manifests of one id should win is unknown). */
function refuseRepeatedIds(manifests: ToolManifest[]): void {
  const seen = new Set<string>();
  manifests.forEach(({ toolId }, index) => {
    if (seen.has(toolId))
      throw new InvalidManifestException([
        { pointer: `/${index}/toolId`, detail: `${toolId} is listed twice` },
      ]);
    seen.add(toolId);
  });
}

function recordOf(row: ManifestEntity): ManifestRecord {
  return Object.freeze({ ...row.manifest, version: row.version, source: row.source, disabled: row.disabled });
}
