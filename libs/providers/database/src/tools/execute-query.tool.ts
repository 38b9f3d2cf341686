import { defineTool } from '@toolgate/core';

import { type DatabaseToolDeps, type QueryAnswer } from '../database.types';
import { budgetOf, ROWS_OUTPUT_PROPERTIES, SQL_INPUT, type SqlInput } from './sql-input.util';

/**
 * `database:executeQuery`: one statement as the read-only login, in a read-only transaction that is always
 * rolled back; at most DATABASE_MAX_ROWS rows (and DATABASE_MAX_RESULT_BYTES), `truncated` when cut.
 */
export function executeQueryTool({ client }: DatabaseToolDeps) {
  return defineTool<SqlInput, QueryAnswer>({
    name: 'executeQuery',
    title: 'Execute query',
    description:
      'Runs one read-only SQL statement with $n parameters and returns { columns, rows, row_count, truncated }. ' +
      'Rows are arrays aligned with columns; the result is cut at the row and byte limits (truncated: true). ' +
      'SQL errors answer 422 with the database message; a statement past its timeout answers 504.',
    inputs: SQL_INPUT,
    outputs: {
      type: 'object',
      properties: ROWS_OUTPUT_PROPERTIES,
      required: ['columns', 'rows', 'row_count', 'truncated'],
    },
    required_scopes: ['database.execute'],
    safety_tags: ['read-only'],
    execute: (input, ctx) => client.query(input.sql, input.params ?? [], budgetOf(ctx)),
  });
}
