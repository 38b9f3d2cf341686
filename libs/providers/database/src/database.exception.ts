import { DomainException, type DomainExceptionOptions } from '@toolgate/core';

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
