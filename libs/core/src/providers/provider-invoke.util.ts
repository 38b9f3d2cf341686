import { DomainException } from '../errors/domain.exception';
import { type InvocationContext } from './invocation-context.types';
import { ProviderTimeoutException, ProviderUpstreamException } from './provider.exception';
import { type ToolDefinition, type ToolInput } from './tool-definition.types';
import { type ToolProviderHost } from './tool-provider-host.types';

function asProviderError(error: unknown, provider: string, ctx: InvocationContext): DomainException {
  if (error instanceof DomainException) return error;
  if (ctx.deadline.aborted) return new ProviderTimeoutException(provider, ctx.toolId, { cause: error });
  return new ProviderUpstreamException(provider, 'The provider failed while running the tool.', {
    cause: error,
  });
}

/**
 * Runs `host.invoke` bounded by the context's deadline: past it the call answers `PROVIDER.TIMEOUT` (504)
 * at once, whatever the provider does. Non-domain errors become `PROVIDER.UPSTREAM_ERROR` (502) without
 * their message (it may carry internals); the original stays as `cause` for the logs.
 */
export async function invokeWithDeadline(
  host: ToolProviderHost,
  tool: ToolDefinition,
  input: ToolInput,
  ctx: InvocationContext,
): Promise<unknown> {
  const provider = host.describe().key;
  const { deadline } = ctx;
  if (deadline.aborted) throw new ProviderTimeoutException(provider, ctx.toolId);
  let stopListening = (): void => undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    stopListening = deadline.onExpire(() => reject(new ProviderTimeoutException(provider, ctx.toolId)));
  });
  const running = Promise.resolve().then(() => host.invoke(tool, input, ctx));
  running.catch(() => undefined); // settles after the deadline: nobody awaits it any more
  try {
    return await Promise.race([running, timedOut]);
  } catch (error) {
    throw asProviderError(error, provider, ctx);
  } finally {
    stopListening();
  }
}
