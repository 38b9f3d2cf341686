import { DomainException } from '@toolgate/core';

export class RateLimitedException extends DomainException {
  constructor(retryAfter: number, headers: Record<string, string>) {
    super('RATE.LIMITED', 429, 'Too Many Requests', {
      detail: `Rate limit exceeded; retry in ${retryAfter} s.`,
      extensions: { retry_after_seconds: retryAfter },
      headers,
    });
  }
}

export class ArgumentsNotObjectException extends DomainException {
  constructor() {
    super('REQUEST.VALIDATION_FAILED', 422, 'Unprocessable Content', {
      detail: 'Tool arguments must be a JSON object.',
      errors: [{ pointer: '', detail: 'must be object' }],
    });
  }
}

export class ResultNotSerializableException extends DomainException {
  constructor(provider: string) {
    super('PROVIDER.UPSTREAM_ERROR', 502, 'Bad Gateway', {
      detail: 'The provider returned a result that is not JSON.',
      extensions: { provider },
    });
  }
}
