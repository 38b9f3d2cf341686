import { DomainException, markBeforeUpstream } from '@toolgate/core';

/** The provider cannot get credentials: not configured (names the variable) or the issuer failed. */
export class CredentialUnavailableException extends DomainException {
  constructor(
    readonly provider: string,
    /** Why, without the provider's name (`the token endpoint answered 400`); never secret material. */
    readonly reason: string,
    cause?: unknown,
  ) {
    super('PROVIDER.CREDENTIALS_UNAVAILABLE', 503, 'Service Unavailable', {
      detail: `Credentials for provider ${provider} are unavailable: ${reason}`,
      cause,
    });
  }
}

/**
 * The call's deadline passed while it was still waiting for its provider's credentials: nothing was done with
 * them, so the call had no effect and may be made again. The code of every deadline, 504 `PROVIDER.TIMEOUT`;
 * the detail says it is safe to retry. Marked `raisedBeforeUpstream` from the start: raised inside a
 * provider too, it tells the pipeline that no upstream request was sent (an Idempotency-Key is freed).
 */
export class CredentialTimeoutException extends DomainException {
  constructor(provider: string, toolId: string) {
    super('PROVIDER.TIMEOUT', 504, 'Gateway Timeout', {
      detail:
        `Tool ${toolId} did not answer before its deadline: it was still waiting for the credentials of ` +
        `provider ${provider}, so it had no effect and is safe to retry.`,
      extensions: { provider, toolId },
    });
    markBeforeUpstream(this);
  }
}
