import { DomainException } from '@toolgate/core';

export class IdempotencyKeyInvalidException extends DomainException {
  constructor(detail: string) {
    super('IDEMPOTENCY.KEY_INVALID', 400, 'Bad Request', { detail });
  }
}

export class IdempotencyKeyReusedException extends DomainException {
  constructor() {
    super('IDEMPOTENCY.KEY_REUSED', 422, 'Unprocessable Content', {
      detail: 'This Idempotency-Key was already used with a different payload.',
    });
  }
}

export class IdempotencyInProgressException extends DomainException {
  constructor() {
    super('IDEMPOTENCY.IN_PROGRESS', 409, 'Conflict', {
      detail: 'A request with this Idempotency-Key is still being processed; retry later.',
      headers: { 'retry-after': '1' },
    });
  }
}
