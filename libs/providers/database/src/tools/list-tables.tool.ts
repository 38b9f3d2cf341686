import { defineTool } from '@toolgate/core';

import { type DatabaseToolDeps } from '../database.types';
import { budgetOf } from './sql-input.util';

const LIST_TABLES = `
SELECT t.table_name::text AS name, t.table_type::text AS type,
       obj_description(format('%I.%I', t.table_schema, t.table_name)::regclass, 'pg_class') AS description
FROM information_schema.tables t
WHERE t.table_schema = $1
ORDER BY t.table_name`;

export interface TableSummary {
  name: string;
  type: string;
  description: string | null;
}

/** `database:listTables`: the tables of the tools schema the read-only login can see. */
export function listTablesTool({ client, schema }: DatabaseToolDeps) {
  return defineTool<Record<string, never>, { schema: string; tables: TableSummary[] }>({
    name: 'listTables',
    title: 'List tables',
    description: 'Lists the tables of the tools database schema with their descriptions.',
    inputs: { type: 'object', additionalProperties: false },
    outputs: {
      type: 'object',
      properties: { schema: { type: 'string' }, tables: { type: 'array', items: { type: 'object' } } },
      required: ['schema', 'tables'],
    },
    required_scopes: ['database.read'],
    safety_tags: ['read-only'],
    execute: async (_input, ctx) => {
      const answer = await client.query(LIST_TABLES, [schema], budgetOf(ctx));
      const tables = answer.rows.map(([name, type, description]) => ({
        name: String(name),
        type: String(type),
        description: description === null ? null : String(description),
      }));
      return { schema, tables };
    },
  });
}
