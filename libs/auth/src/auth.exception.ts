import { DomainException } from '@toolgate/core';

export const AUTH_REALM = 'toolgate';

/** No credential was sent: RFC 6750 says the challenge then carries no error attribute. */
export class MissingTokenException extends DomainException {
  constructor() {
    super('AUTH.MISSING_TOKEN', 401, 'Unauthorized', {
      detail: 'This route needs an Authorization: Bearer credential (a JWT or a tg_ API key).',
      headers: { 'www-authenticate': `Bearer realm="${AUTH_REALM}"` },
    });
  }
}

/**
 * The credential was rejected. The detail stays generic on purpose (a caller learns nothing about which
 * check failed); the reason is logged at debug level without the credential.
 */
export class InvalidTokenException extends DomainException {
  constructor(readonly reason: string) {
    super('AUTH.INVALID_TOKEN', 401, 'Unauthorized', {
      detail: 'The credential is invalid, expired or revoked.',
      headers: {
        'www-authenticate': `Bearer realm="${AUTH_REALM}", error="invalid_token"`,
      },
    });
  }
}

/** The credential store (database) could not be reached: not the caller's fault, retry later. */
export class AuthUnavailableException extends DomainException {
  constructor(cause: unknown) {
    super('AUTH.UNAVAILABLE', 503, 'Service Unavailable', {
      detail: 'Credentials cannot be checked right now. Retry shortly.',
      headers: { 'retry-after': '5' },
      cause,
    });
  }
}
