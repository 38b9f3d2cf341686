import { defineTool } from '@toolgate/core';

import { type DatabaseToolDeps, type StatementAnswer } from '../database.types';
import { budgetOf, ROWS_OUTPUT_PROPERTIES, SQL_INPUT, type SqlInput } from './sql-input.util';

/**
 * `database:executeStatement`: one data-changing statement as the writer login (row changes on the sample
 * tables only: no DDL, no TRUNCATE), in its own transaction, committed; RETURNING rows are shown under the
 * executeQuery caps. Tagged destructive: policy holds it for confirmation.
 */
export function executeStatementTool({ client }: DatabaseToolDeps) {
  return defineTool<SqlInput, StatementAnswer>({
    name: 'executeStatement',
    title: 'Execute statement',
    description:
      'Runs one INSERT, UPDATE or DELETE with $n parameters as the writer login and commits it; returns ' +
      '{ command, row_count } (rows affected). With RETURNING it also returns { columns, rows, truncated }: ' +
      'the first returned rows, cut at the same row and byte limits as executeQuery. A statement that returns ' +
      'far more than that is rolled back (422). Destructive: needs confirmation.',
    inputs: SQL_INPUT,
    outputs: {
      type: 'object',
      properties: { command: { type: 'string' }, ...ROWS_OUTPUT_PROPERTIES },
      required: ['command', 'row_count'],
    },
    required_scopes: ['database.write'],
    safety_tags: ['destructive'],
    execute: (input, ctx) => client.statement(input.sql, input.params ?? [], budgetOf(ctx)),
  });
}
