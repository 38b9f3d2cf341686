import { DomainException } from '@toolgate/core';

/** 503: the audit trail cannot be written, so what needed it (a tool call) does not happen. */
export class AuditUnavailableException extends DomainException {
  constructor(
    cause?: unknown,
    detail = 'The audit trail cannot be written right now; nothing was run. Retry shortly.',
  ) {
    super('AUDIT.UNAVAILABLE', 503, 'Service Unavailable', {
      detail,
      headers: { 'retry-after': '5' },
      cause,
    });
  }
}

/** 400: the `cursor` of `GET /audit` was not issued by this gateway. */
export class AuditCursorInvalidException extends DomainException {
  constructor() {
    super('AUDIT.CURSOR_INVALID', 400, 'Bad Request', {
      detail: 'The cursor is not valid; use the next_cursor of a previous page.',
      errors: [{ pointer: '/cursor', detail: 'is not a cursor issued by this gateway' }],
    });
  }
}

/** 422: `from` is after `to`. */
export class AuditRangeInvalidException extends DomainException {
  constructor() {
    super('AUDIT.RANGE_INVALID', 422, 'Unprocessable Content', {
      detail: '`from` must not be after `to`.',
      errors: [{ pointer: '/from', detail: 'must not be after to' }],
    });
  }
}
