import { type JsonSchema } from '@toolgate/core';

import { type CallBudget } from '../database.types';

/** Arguments of the SQL tools: one statement and its positional parameters ($1, $2…). */
export interface SqlInput extends Record<string, unknown> {
  sql: string;
  params?: (string | number | boolean | null)[];
}

export const SQL_INPUT: JsonSchema = {
  type: 'object',
  properties: {
    sql: {
      type: 'string',
      minLength: 1,
      maxLength: 20000,
      description: 'One SQL statement; pass values as $1, $2… placeholders, never inside the text.',
    },
    params: {
      type: 'array',
      maxItems: 100,
      items: { type: ['string', 'number', 'boolean', 'null'], maxLength: 10000 },
      description: 'Values of the $n placeholders, in order.',
    },
  },
  required: ['sql'],
  additionalProperties: false,
};

/** Output properties of a (possibly cut) row set: `executeQuery`'s answer, `executeStatement`'s RETURNING. */
export const ROWS_OUTPUT_PROPERTIES: Record<string, JsonSchema> = {
  columns: {
    type: 'array',
    items: {
      type: 'object',
      properties: { name: { type: 'string' }, data_type: { type: 'string' } },
    },
  },
  rows: { type: 'array', items: { type: 'array' } },
  row_count: { type: 'integer' },
  truncated: { type: 'boolean' },
  truncated_by: { type: 'string', enum: ['rows', 'bytes'] },
};

export const budgetOf = (ctx: { toolId: string; deadline: { at: number } }): CallBudget => ({
  toolId: ctx.toolId,
  deadlineAt: ctx.deadline.at,
});
