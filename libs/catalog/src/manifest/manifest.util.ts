import { canonicalJson, type RegisteredTool, sha256Hex } from '@toolgate/core';
import { type PolicyResource } from '@toolgate/policy';

import {
  type CatalogManifest,
  type ManifestSource,
  PUBLIC_TENANT,
  type ToolManifest,
} from '../manifest.types';

/** What a sync does with one provider tool, given the stored row (if any). */
export type SyncPlan = 'insert' | 'update' | 'unchanged' | 'skip';

/** Stable fingerprint of a manifest's content: equal manifests (whatever key order), equal hash. */
export function manifestHash(manifest: ToolManifest): string {
  return sha256Hex(canonicalJson(manifest));
}

/**
 * Provider tools are upserted as `public` manifests: new → insert; same content → no write; changed content
 * (schema, description, tags, scopes, limits) → update with a version bump. A row an admin took over
 * (any source but `provider`) is left alone.
 */
export function planProviderSync(
  stored: { source: ManifestSource; contentHash: string } | undefined,
  incomingHash: string,
): SyncPlan {
  if (!stored) return 'insert';
  if (stored.source !== 'provider') return 'skip';
  return stored.contentHash === incomingHash ? 'unchanged' : 'update';
}

/** The `public` manifest of a provider tool. Optional members are left out when unset. */
export function manifestFromTool({ toolId, providerKey, definition }: RegisteredTool): ToolManifest {
  return {
    toolId,
    name: definition.title ?? definition.name,
    description: definition.description,
    inputs: definition.inputs,
    outputs: definition.outputs ?? { type: 'object' },
    required_scopes: [...definition.required_scopes],
    provider_id: providerKey,
    tenant: PUBLIC_TENANT,
    safety_tags: [...definition.safety_tags],
    ...(definition.timeout_ms !== undefined ? { timeout_ms: definition.timeout_ms } : {}),
    ...(definition.rate_limit ? { rate_limit: { ...definition.rate_limit } } : {}),
    ...(definition.sensitive_fields ? { sensitive_fields: [...definition.sensitive_fields] } : {}),
  };
}

/** The attributes policies match a tool on (`resource.toolId`, `resource.provider_id`, …). */
export function resourceFromManifest(manifest: ToolManifest): PolicyResource {
  return {
    toolId: manifest.toolId,
    provider_id: manifest.provider_id,
    safety_tags: manifest.safety_tags,
    tenant: manifest.tenant,
    required_scopes: manifest.required_scopes,
  };
}

/** The key of one compiled schema: a manifest version of a tenant. */
export function manifestVersionKey(manifest: CatalogManifest): string {
  return `${manifest.tenant}\u0000${manifest.toolId}\u0000${manifest.version}`;
}
