import { DomainException } from '../errors/domain.exception';
import { markBeforeUpstream, raisedBeforeUpstream } from './before-upstream.util';
import { type InvocationContext } from './invocation-context.types';
import { ProviderTimeoutException, ProviderUpstreamException } from './provider.exception';
import { type ToolDefinition, type ToolInput } from './tool-definition.types';
import { type ToolProviderHost } from './tool-provider-host.types';

function asProviderError(error: unknown, provider: string, ctx: InvocationContext): DomainException {
  if (error instanceof DomainException) return error;
  const mapped = ctx.deadline.aborted
    ? new ProviderTimeoutException(provider, ctx.toolId, { cause: error })
    : new ProviderUpstreamException(provider, 'The provider failed while running the tool.', {
        cause: error,
      });
  return raisedBeforeUpstream(error) ? markBeforeUpstream(mapped) : mapped;
}

/** The provider's work each deadline answer of `invokeWithDeadline` left running. */
const leftRunning = new WeakMap<object, Promise<unknown>>();

/**
 * The provider's work that a `PROVIDER.TIMEOUT` of `invokeWithDeadline` stopped waiting for (it settles
 * later, nobody awaits it); undefined for any other error.
 */
export function workLeftRunning(error: unknown): Promise<unknown> | undefined {
  return typeof error === 'object' && error !== null ? leftRunning.get(error) : undefined;
}

/** The provider key a tool id names (`http` of `http.pets:list`), for a provider that cannot describe itself. */
const keyOfTool = (toolId: string): string => toolId.split(/[.:]/, 1)[0];

/**
 * Runs `host.invoke` bounded by the context's deadline: past it the call answers `PROVIDER.TIMEOUT` (504)
 * at once, whatever the provider does. Non-domain errors (a throwing `describe()` included) become
 * `PROVIDER.UPSTREAM_ERROR` (502) without their message (it may carry internals); the original stays as
 * `cause`. Errors from before `host.invoke` was called (`describe()`, a deadline already passed) are marked
 * `raisedBeforeUpstream`, and so is the 502 of a non-domain error the provider marked.
 */
export async function invokeWithDeadline(
  host: ToolProviderHost,
  tool: ToolDefinition,
  input: ToolInput,
  ctx: InvocationContext,
): Promise<unknown> {
  const { deadline } = ctx;
  let provider: string | undefined;
  let stopListening = (): void => undefined;
  try {
    provider = host.describe().key;
    if (deadline.aborted) throw new ProviderTimeoutException(provider, ctx.toolId);
  } catch (error) {
    throw markBeforeUpstream(asProviderError(error, provider ?? keyOfTool(ctx.toolId), ctx));
  }
  const running = Promise.resolve().then(() => host.invoke(tool, input, ctx));
  running.catch(() => undefined); // settles after the deadline: nobody awaits it any more
  const timedOut = new Promise<never>((_resolve, reject) => {
    stopListening = deadline.onExpire(() => {
      const timeout = new ProviderTimeoutException(provider, ctx.toolId);
      leftRunning.set(timeout, running);
      reject(timeout);
    });
  });
  try {
    return await Promise.race([running, timedOut]);
  } catch (error) {
    throw asProviderError(error, provider, ctx);
  } finally {
    stopListening();
  }
}
