import { type TokenBroker } from '@toolgate/broker';
import { type CatalogManifest } from '@toolgate/catalog';
import {
  type InvocationContext,
  invokeWithDeadline,
  ProviderUnconfiguredException,
  raisedBeforeUpstream,
  type ToolDefinition,
  type ToolInput,
  type ToolProviderHost,
  UnknownToolException,
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

/** Errors that say the tool cannot have run: not configured, no such tool, or marked by the provider. */
const nothingRan = (error: unknown): boolean =>
  error instanceof ProviderUnconfiguredException ||
  error instanceof UnknownToolException ||
  raisedBeforeUpstream(error);

/**
 * Runs the provider within the deadline. Once it was called, an error may follow an effect (`markMayHaveRun`),
 * unless it says nothing ran: the provider is not configured, has no such tool, or marked the error as raised
 * before it called its upstream (`markBeforeUpstream`). A deadline that passed while the provider waited for
 * a new credential after its upstream refused the old one (`TokenBroker.renew`) left no effect either: the
 * call answers the broker's 504 that says it is safe to retry.
 */
export async function invokeProvider(
  broker: Pick<TokenBroker, 'renewalTimeoutOf'>,
  host: ToolProviderHost,
  definition: ToolDefinition,
  input: ToolInput,
  ctx: InvocationContext,
): Promise<unknown> {
  try {
    return await invokeWithDeadline(host, definition, input, ctx);
  } catch (error) {
    const renewing = broker.renewalTimeoutOf(ctx.deadline);
    if (renewing) throw renewing;
    if (!nothingRan(error)) markMayHaveRun(error);
    throw error;
  }
}
