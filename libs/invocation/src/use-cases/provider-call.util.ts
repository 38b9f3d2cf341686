import { type CatalogManifest } from '@toolgate/catalog';
import {
  type InvocationContext,
  invokeWithDeadline,
  ProviderUnconfiguredException,
  type ToolDefinition,
  type ToolInput,
  type ToolProviderHost,
} from '@toolgate/core';

import { markMayHaveRun } from './may-have-run.util';

/** A tool definition for a manifest no provider lists (dispatched by the provider's own `invoke`). */
export function definitionOf(manifest: CatalogManifest): ToolDefinition {
  return {
    name: manifest.toolId.slice(manifest.toolId.indexOf(':') + 1),
    toolId: manifest.toolId,
    description: manifest.description,
    inputs: manifest.inputs,
    outputs: manifest.outputs,
    required_scopes: manifest.required_scopes,
    safety_tags: manifest.safety_tags,
    timeout_ms: manifest.timeout_ms,
    rate_limit: manifest.rate_limit,
    sensitive_fields: manifest.sensitive_fields,
  };
}

/** Runs the provider within the deadline; once it was called, an error but "not configured" may follow an effect. */
export async function invokeProvider(
  host: ToolProviderHost,
  definition: ToolDefinition,
  input: ToolInput,
  ctx: InvocationContext,
): Promise<unknown> {
  try {
    return await invokeWithDeadline(host, definition, input, ctx);
  } catch (error) {
    if (!(error instanceof ProviderUnconfiguredException)) markMayHaveRun(error);
    throw error;
  }
}
