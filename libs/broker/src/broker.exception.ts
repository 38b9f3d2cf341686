import { DomainException } from '@toolgate/core';

/** The provider cannot get credentials: not configured (names the variable) or the issuer failed. */
export class CredentialUnavailableException extends DomainException {
  constructor(provider: string, detail: string, cause?: unknown) {
    super('PROVIDER.CREDENTIALS_UNAVAILABLE', 503, 'Service Unavailable', {
      detail: `Credentials for provider ${provider} are unavailable: ${detail}`,
      cause,
    });
  }
}
