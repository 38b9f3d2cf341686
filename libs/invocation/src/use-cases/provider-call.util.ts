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
  workLeftRunning,
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

/**
 * How long a call whose deadline passed while its provider waited for a credential waits for the provider's
 * own unwinding (its wait failed at the same moment) before answering.
 */
export const CREDENTIAL_UNWIND_MS = 1_000;

/** Resolves once `work` settled, or after `ms`: whichever comes first. */
async function settledWithin(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([work.then(noop, noop), elapsed]);
  clearTimeout(timer);
}

const noop = (): void => undefined;

/** Errors that say the tool cannot have run: not configured, no such tool, or marked by the provider. */
const nothingRan = (error: unknown): boolean =>
  error instanceof ProviderUnconfiguredException ||
  error instanceof UnknownToolException ||
  raisedBeforeUpstream(error);

/**
 * Runs the provider within the deadline. Once it was called, an error may follow an effect (`markMayHaveRun`),
 * unless it says nothing ran: the provider is not configured, has no such tool, or marked the error as raised
 * before it called its upstream (`markBeforeUpstream`; the broker's `CredentialTimeoutException` is). A
 * deadline that passed while the provider waited for a credential with it, before sending anything
 * (`TokenBroker.exchange` with the deadline, or `renew` after its upstream refused the old one), left no
 * effect either: the call answers the broker's 504 that says it is safe to retry, not the deadline's own,
 * once the provider has undone what it holds for the call (an ads budget claim), so the retry it invites
 * does not meet it (`CREDENTIAL_UNWIND_MS` at most).
 */
export async function invokeProvider(
  broker: Pick<TokenBroker, 'credentialTimeoutOf'>,
  host: ToolProviderHost,
  definition: ToolDefinition,
  input: ToolInput,
  ctx: InvocationContext,
): Promise<unknown> {
  try {
    return await invokeWithDeadline(host, definition, input, ctx);
  } catch (error) {
    const waiting = broker.credentialTimeoutOf(ctx.deadline);
    if (waiting) {
      await settledWithin(workLeftRunning(error), CREDENTIAL_UNWIND_MS);
      throw waiting;
    }
    if (!nothingRan(error)) markMayHaveRun(error);
    throw error;
  }
}
