/** One schema object inside a JSON Schema document (draft-07). */
export type SchemaNode = Record<string, unknown>;

import { escapePointerSegment } from './json-pointer.util';

/** Keywords whose value maps names to subschemas. */
export const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];
/** Keywords whose value is a list of subschemas. */
export const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'items'];
/** Keywords whose value is one subschema. */
export const SCHEMA_VALUES = [
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
];

export const isSchemaNode = (value: unknown): value is SchemaNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function childrenOf(node: SchemaNode, pointer: string): [SchemaNode, string][] {
  const children: [SchemaNode, string][] = [];
  const add = (value: unknown, at: string) => {
    if (isSchemaNode(value)) children.push([value, at]);
  };
  for (const key of SCHEMA_MAPS) {
    const map = node[key];
    if (!isSchemaNode(map)) continue;
    for (const [name, child] of Object.entries(map))
      add(child, `${pointer}/${key}/${escapePointerSegment(name)}`);
  }
  for (const key of SCHEMA_LISTS) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((child, index) => add(child, `${pointer}/${key}/${index}`));
  }
  for (const key of SCHEMA_VALUES) add(node[key], `${pointer}/${key}`);
  return children;
}

/**
 * Calls `visit` with the schema and each of its subschemas (objects under schema keywords, `definitions`
 * included; values of `const`, `enum`, `default`, `examples` are data, not visited) and its JSON pointer.
 * Iterative, so any nesting is safe; an object reached twice is visited once.
 */
export function forEachSubschema(
  schema: unknown,
  visit: (node: SchemaNode, pointer: string) => void,
  pointer = '',
): void {
  if (!isSchemaNode(schema)) return;
  const seen = new Set<SchemaNode>([schema]);
  const stack: [SchemaNode, string][] = [[schema, pointer]];
  while (stack.length > 0) {
    const [node, at] = stack.pop() as [SchemaNode, string];
    visit(node, at);
    for (const child of childrenOf(node, at).reverse()) {
      if (seen.has(child[0])) continue;
      seen.add(child[0]);
      stack.push(child);
    }
  }
}
