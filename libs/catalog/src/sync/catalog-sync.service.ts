import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { createJsonSchemaAjv, ProviderRegistry, schemaProblems } from '@toolgate/core';

import { CatalogService } from '../catalog.service';
import { PUBLIC_TENANT, type ToolManifest } from '../manifest.types';
import { manifestFromTool } from '../manifest/manifest.util';
import { ManifestStore, type SyncOutcome } from '../store/manifest-store.service';
import { CatalogEvents } from './catalog-events.service';
import { CatalogChangeListener } from './catalog-listener.service';

const SYNC_ACTOR = { subject: 'provider-sync', tenant: PUBLIC_TENANT };

/**
 * Boot sequence of the catalog: upsert the tools of every discovered provider as `public` manifests,
 * start listening for changes, then load the in-memory catalog. A provider tool whose schema does not
 * compile stops the boot.
 */
@Injectable()
export class CatalogSyncService implements OnApplicationBootstrap {
  private readonly logger = new Logger('CatalogSync');

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly store: ManifestStore,
    private readonly catalog: CatalogService,
    private readonly listener: CatalogChangeListener,
    private readonly events: CatalogEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.syncProviders();
    await this.listener.start();
    await this.catalog.reload();
  }

  /** Upserts provider tools; unchanged ones are not written. */
  async syncProviders(): Promise<SyncOutcome[]> {
    const manifests = this.registry.tools().map(manifestFromTool);
    assertSchemasCompile(manifests);
    const outcomes = await this.store.syncProviderManifests(manifests);
    const count = (plan: SyncOutcome['plan']) => outcomes.filter((outcome) => outcome.plan === plan).length;
    this.logger.log(
      `Provider tools: ${count('insert')} new, ${count('update')} changed, ${count('unchanged')} unchanged, ` +
        `${count('skip')} overridden by an admin`,
    );
    for (const outcome of outcomes.filter(({ plan }) => plan === 'insert' || plan === 'update')) {
      await this.events.emit({
        type: 'manifest.synced',
        tenant: PUBLIC_TENANT,
        toolId: outcome.toolId,
        version: outcome.version,
        source: 'provider',
        actor: SYNC_ACTOR,
        at: new Date().toISOString(),
      });
    }
    return outcomes;
  }
}

function assertSchemasCompile(manifests: ToolManifest[]): void {
  const ajv = createJsonSchemaAjv();
  const problems = manifests.flatMap((manifest) => [
    ...schemaProblems(ajv, manifest.inputs, `${manifest.toolId}/inputs`),
    ...schemaProblems(ajv, manifest.outputs, `${manifest.toolId}/outputs`),
  ]);
  if (problems.length > 0) {
    const list = problems.map((problem) => `${problem.pointer}: ${problem.detail}`).join('; ');
    throw new Error(`Provider tool schemas do not compile (ajv strict): ${list}`);
  }
}
