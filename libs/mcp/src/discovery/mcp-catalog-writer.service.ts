import { Injectable } from '@nestjs/common';

import {
  CatalogService,
  ManifestAdminService,
  manifestHash,
  ManifestNotFoundException,
  PUBLIC_TENANT,
  type ToolManifest,
} from '@toolgate/catalog';
import { type Principal } from '@toolgate/core';

/** The principal catalog history names for discovery writes. */
export const MCP_SYNC_PRINCIPAL: Principal = {
  subject: 'mcp-sync',
  tenant: PUBLIC_TENANT,
  roles: [],
  scopes: [],
  kind: 'jwt',
};

/**
 * Writes MCP tool manifests (source `mcp`, tenant `public`) through the catalog's admin service: checked
 * (schemas compile under ajv strict), versioned, announced to every replica and emitted to the audit hook.
 */
@Injectable()
export class McpCatalogWriter {
  constructor(
    private readonly admin: ManifestAdminService,
    private readonly catalog: CatalogService,
  ) {}

  /** The active `public` manifest of a tool id, if any. */
  active(toolId: string) {
    return this.catalog.resolve(toolId, { tenant: PUBLIC_TENANT });
  }

  /**
   * Creates, updates or re-enables manifests in one batch. A manifest the catalog already serves as is
   * (same content, source `mcp`) is left out, so a resync that changes nothing writes nothing.
   */
  async upsert(manifests: ToolManifest[], actor: Principal = MCP_SYNC_PRINCIPAL): Promise<void> {
    const changed = manifests.filter((manifest) => !this.isServed(manifest));
    if (changed.length > 0) await this.admin.upsertMany(actor, changed, 'mcp');
  }

  private isServed(manifest: ToolManifest): boolean {
    const active = this.active(manifest.toolId);
    if (active?.source !== 'mcp' || active.tenant !== manifest.tenant) return false;
    const { version: _version, source: _source, ...served } = active;
    return manifestHash(served) === manifestHash(manifest);
  }

  /** Disables a manifest; nothing happens when it is not active. */
  async disable(toolId: string, actor: Principal = MCP_SYNC_PRINCIPAL): Promise<void> {
    try {
      await this.admin.disable(actor, toolId);
    } catch (error) {
      if (!(error instanceof ManifestNotFoundException)) throw error;
    }
  }
}
