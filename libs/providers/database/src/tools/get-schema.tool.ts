import { defineTool } from '@toolgate/core';

import { DatabaseTableNotFoundException } from '../database.exception';
import { type DatabaseToolDeps } from '../database.types';
import { budgetOf } from './sql-input.util';

/** Columns from information_schema (only what the login may see), keys from pg_constraint; one round trip. */
const TABLE_SCHEMA = `
SELECT
  (SELECT json_agg(json_build_object(
            'name', c.column_name, 'data_type', c.data_type, 'nullable', c.is_nullable = 'YES',
            'default', c.column_default,
            'description', col_description(format('%I.%I', c.table_schema, c.table_name)::regclass, c.ordinal_position::int))
          ORDER BY c.ordinal_position)
   FROM information_schema.columns c
   WHERE c.table_schema = $1 AND c.table_name = $2) AS columns,
  (SELECT json_agg(json_build_object(
            'name', k.conname, 'type', CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key'
              WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check' ELSE k.contype::text END,
            'definition', pg_get_constraintdef(k.oid))
          ORDER BY k.conname)
   FROM pg_constraint k
   WHERE k.conrelid = to_regclass(format('%I.%I', $1::text, $2::text))) AS constraints`;

/** `database:getSchema`: columns and constraints of one table of the tools schema. */
export function getSchemaTool({ client, schema }: DatabaseToolDeps) {
  return defineTool<{ table: string }, Record<string, unknown>>({
    name: 'getSchema',
    title: 'Get table schema',
    description:
      'Describes one table of the tools database: columns (type, nullability, default) and constraints.',
    inputs: {
      type: 'object',
      properties: {
        table: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[A-Za-z_][A-Za-z0-9_$]*$' },
      },
      required: ['table'],
      additionalProperties: false,
    },
    outputs: {
      type: 'object',
      properties: {
        schema: { type: 'string' },
        table: { type: 'string' },
        columns: { type: 'array', items: { type: 'object' } },
        constraints: { type: 'array', items: { type: 'object' } },
      },
      required: ['schema', 'table', 'columns', 'constraints'],
    },
    required_scopes: ['database.read'],
    safety_tags: ['read-only'],
    execute: async (input, ctx) => {
      const answer = await client.query(TABLE_SCHEMA, [schema, input.table], budgetOf(ctx));
      const [columns, constraints] = answer.rows[0] ?? [];
      if (!Array.isArray(columns)) throw new DatabaseTableNotFoundException(schema, input.table);
      return {
        schema,
        table: input.table,
        columns,
        constraints: Array.isArray(constraints) ? constraints : [],
      };
    },
  });
}
