import { type CatalogManifest, type ManifestEntity, type ToolManifest } from '@toolgate/catalog';
import { type Principal } from '@toolgate/core';

/** A manifest of the `test` provider's shape; override any member. */
export function makeManifest(overrides: Partial<ToolManifest> = {}): ToolManifest {
  const toolId = overrides.toolId ?? 'test:echo';
  return {
    toolId,
    name: toolId.split(':')[1],
    description: `The ${toolId} tool.`,
    inputs: { type: 'object' },
    outputs: { type: 'object' },
    required_scopes: [],
    provider_id: toolId.split(':')[0],
    tenant: 'public',
    safety_tags: [],
    ...overrides,
  };
}

/** A manifest as the in-memory catalog serves it. */
export function makeCatalogManifest(overrides: Partial<CatalogManifest> = {}): CatalogManifest {
  return { version: 1, source: 'provider', ...makeManifest(overrides), ...overrides };
}

/** A `manifests` row (as `ManifestStore.loadActive` returns it). */
export function makeManifestRow(overrides: Partial<ToolManifest> = {}, version = 1): ManifestEntity {
  const manifest = makeManifest(overrides);
  return {
    id: `${manifest.tenant}/${manifest.toolId}`,
    tenant: manifest.tenant,
    toolId: manifest.toolId,
    providerId: manifest.provider_id,
    version,
    manifest,
    safetyTags: manifest.safety_tags,
    source: 'provider',
    disabled: false,
    contentHash: 'x',
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

/** A caller of tenant `acme` with no role or scope. */
export function makePrincipal(overrides: Partial<Principal> = {}): Principal {
  return { subject: 'agent-1', tenant: 'acme', roles: [], scopes: [], kind: 'jwt', ...overrides };
}
