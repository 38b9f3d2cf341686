import { type JsonSchema, type ToolRateLimit } from '@toolgate/core';

/** Shared by every tenant. */
export const PUBLIC_TENANT = 'public';

export const MANIFEST_SOURCES = ['provider', 'admin', 'openapi', 'mcp'] as const;
export type ManifestSource = (typeof MANIFEST_SOURCES)[number];

/** A tool manifest as agents see it (seed-compatible field names). */
export interface ToolManifest {
  toolId: string;
  name: string;
  description: string;
  inputs: JsonSchema;
  outputs: JsonSchema;
  required_scopes: string[];
  provider_id: string;
  tenant: string;
  safety_tags: string[];
  timeout_ms?: number;
  rate_limit?: ToolRateLimit;
  sensitive_fields?: string[];
}

/** A manifest as the catalog serves it: the manifest plus its version and where it came from. */
export interface CatalogManifest extends ToolManifest {
  version: number;
  source: ManifestSource;
}

/** Who changed the catalog (an admin's subject, or `provider-sync`). */
export interface ManifestActor {
  subject: string;
  tenant: string;
}
