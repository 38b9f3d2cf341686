import { DomainException, type DomainExceptionOptions, ProviderUnavailableException } from '@toolgate/core';

export const DATABASE_PROVIDER_KEY = 'database';

/** The database refused the statement (syntax, permission, read-only transaction…): 422 with its message. */
export class DatabaseQueryException extends DomainException {
  constructor(message: string, sqlstate: string, options: DomainExceptionOptions = {}) {
    super('DATABASE.QUERY_FAILED', 422, 'Unprocessable Content', {
      ...options,
      detail: message,
      extensions: { provider: DATABASE_PROVIDER_KEY, sqlstate, ...options.extensions },
    });
  }
}

/** `getSchema` was asked for a table the tools database does not show in its schema. */
export class DatabaseTableNotFoundException extends DomainException {
  constructor(schema: string, table: string) {
    super('DATABASE.TABLE_NOT_FOUND', 422, 'Unprocessable Content', {
      detail: `No table "${table}" in schema "${schema}" of the tools database.`,
      extensions: { provider: DATABASE_PROVIDER_KEY, schema, table },
    });
  }
}

/** `COPY` over the wire: its data is dropped and its input refused (see `SafeCursor`). */
export function copyRefused(toolId: string): DatabaseQueryException {
  return new DatabaseQueryException(`COPY is not supported by ${toolId}.`, '0A000');
}

/**
 * A statement returned more bytes than a call may receive: the connection was cut before `COMMIT`, so the
 * server rolled the statement back.
 */
export class DatabaseResultTooLargeException extends DomainException {
  constructor(toolId: string, maxBytes: number) {
    super('DATABASE.RESULT_TOO_LARGE', 422, 'Unprocessable Content', {
      detail:
        `${toolId} received more than ${maxBytes} bytes of returned rows, so the statement was rolled back. ` +
        'Return fewer or smaller rows (RETURNING), or read them with database:executeQuery.',
      extensions: { provider: DATABASE_PROVIDER_KEY, max_bytes: maxBytes },
    });
  }
}

/** The configured login holds powers the tools' walls cannot contain (see `judgeLogin`): 503 naming why. */
export function loginRefused(variable: string, reason: string): ProviderUnavailableException {
  return new ProviderUnavailableException(DATABASE_PROVIDER_KEY, reason, {
    extensions: { missing: [variable] },
  });
}
