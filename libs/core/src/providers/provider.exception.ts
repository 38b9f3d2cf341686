import { DomainException, type DomainExceptionOptions } from '../errors/domain.exception';

/** The upstream service behind a provider failed or answered with an error. */
export class ProviderUpstreamException extends DomainException {
  constructor(
    provider: string,
    detail = 'The upstream service failed.',
    options: DomainExceptionOptions = {},
  ) {
    super('PROVIDER.UPSTREAM_ERROR', 502, 'Bad Gateway', {
      ...options,
      detail,
      extensions: { provider, ...options.extensions },
    });
  }
}

/** The call did not finish before its deadline. */
export class ProviderTimeoutException extends DomainException {
  constructor(provider: string, toolId: string, options: DomainExceptionOptions = {}) {
    super('PROVIDER.TIMEOUT', 504, 'Gateway Timeout', {
      ...options,
      detail: `Tool ${toolId} did not answer before its deadline.`,
      extensions: { provider, toolId, ...options.extensions },
    });
  }
}

/** The provider cannot serve now (circuit open, upstream down, not registered). */
export class ProviderUnavailableException extends DomainException {
  constructor(
    provider: string,
    detail = 'The provider is unavailable.',
    options: DomainExceptionOptions = {},
  ) {
    super('PROVIDER.UNAVAILABLE', 503, 'Service Unavailable', {
      ...options,
      detail,
      extensions: { provider, ...options.extensions },
    });
  }
}

/** The provider lacks configuration; names the missing variable(s), never their values. */
export class ProviderUnconfiguredException extends DomainException {
  constructor(provider: string, missing: string[], options: DomainExceptionOptions = {}) {
    super('PROVIDER.UNCONFIGURED', 503, 'Service Unavailable', {
      ...options,
      detail: `Provider ${provider} is not configured: set ${missing.join(', ')}.`,
      extensions: { provider, missing, ...options.extensions },
    });
  }
}

/** A provider was asked to run a tool it does not have. */
export class UnknownToolException extends DomainException {
  constructor(provider: string, toolId: string) {
    super('PROVIDER.UNKNOWN_TOOL', 404, 'Not Found', {
      detail: `Provider ${provider} has no tool ${toolId}.`,
      extensions: { provider, toolId },
    });
  }
}

/** Raised at bootstrap when a provider breaks the contract; the gateway refuses to start. */
export class ProviderRegistrationError extends Error {
  constructor(message: string) {
    super(`Tool provider registration failed: ${message}`);
    this.name = 'ProviderRegistrationError';
  }
}
