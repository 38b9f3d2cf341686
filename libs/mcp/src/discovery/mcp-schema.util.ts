import type Ajv from 'ajv';

import {
  createJsonSchemaAjv,
  depthViolation,
  type JsonSchema,
  MAX_SCHEMA_DEPTH,
  SCHEMA_LISTS,
  SCHEMA_MAPS,
  SCHEMA_VALUES,
  schemaProblems,
  unsupportedPatternReason,
} from '@toolgate/core';

/** The input schema the catalog validates with, and what was changed to get it. */
export interface SanitizedSchema {
  schema: JsonSchema;
  /** Empty when the upstream schema compiled unchanged (ajv strict). */
  changes: string[];
}

type Node = Record<string, unknown>;

/** Dropped everywhere: `$schema` (2020-12 is not draft-07), `$id` (the catalog refuses ids: they are global). */
const DROPPED = new Set(['$schema', '$id', 'id', '$async', '$vocabulary']);
const TYPE_OF_KEYWORD: Record<string, string> = {
  minimum: 'number',
  maximum: 'number',
  exclusiveMinimum: 'number',
  exclusiveMaximum: 'number',
  multipleOf: 'number',
  minLength: 'string',
  maxLength: 'string',
  pattern: 'string',
  format: 'string',
  minItems: 'array',
  maxItems: 'array',
  uniqueItems: 'array',
  minProperties: 'object',
  maxProperties: 'object',
  required: 'object',
};

/**
 * The ajv every upstream schema is checked with (one per tool cost more than the check): `schemaProblems`
 * removes what it compiled, so nothing accumulates across tools.
 */
let sharedAjv: Ajv | undefined;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Removes keywords ajv does not know, unknown formats and ids; adds what strict mode requires. */
function relax(node: Node, ajv: Ajv, path: string, changes: string[]): Node {
  const known = ajv.RULES.keywords;
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key) || !(key in known)) {
      if (key !== '$schema') changes.push(`${path}: dropped "${key}"`);
      continue;
    }
    if (key === 'format' && (typeof value !== 'string' || !(value in ajv.formats))) {
      changes.push(`${path}: dropped unknown format ${JSON.stringify(value)}`);
      continue;
    }
    const unsupported = key === 'pattern' && typeof value === 'string' && unsupportedPatternReason(value);
    if (unsupported) {
      changes.push(`${path}: dropped ${unsupported}`);
      continue;
    }
    out[key] = value;
  }
  for (const key of SCHEMA_MAPS) {
    if (!isNode(out[key])) continue;
    out[key] = Object.fromEntries(
      Object.entries(out[key]).map(([name, child]) => [
        name,
        isNode(child) ? relax(child, ajv, `${path}/${key}/${name}`, changes) : child,
      ]),
    );
  }
  for (const key of SCHEMA_LISTS) {
    const list = out[key];
    if (Array.isArray(list))
      out[key] = list.map((child, index) =>
        isNode(child) ? relax(child, ajv, `${path}/${key}/${index}`, changes) : child,
      );
  }
  for (const key of SCHEMA_VALUES) {
    if (isNode(out[key])) out[key] = relax(out[key], ajv, `${path}/${key}`, changes);
  }
  return addStrictRequirements(out, path, changes);
}

/** Strict mode wants `required` names declared and a `type` beside type-specific keywords. */
function addStrictRequirements(node: Node, path: string, changes: string[]): Node {
  const combined = ['allOf', 'anyOf', 'oneOf', 'not', 'if', '$ref'].some((key) => key in node);
  if (node.type === undefined && !combined) {
    const implied = Object.keys(node).map((key) => TYPE_OF_KEYWORD[key]);
    const types = [...new Set(implied.filter((type): type is string => type !== undefined))];
    if (types.length === 1) {
      node.type = types[0];
      changes.push(`${path}: added type "${types[0]}"`);
    }
  }
  if (Array.isArray(node.required) && !combined) {
    const properties = isNode(node.properties) ? { ...node.properties } : {};
    const missing = node.required.filter(
      (name): name is string => typeof name === 'string' && !(name in properties),
    );
    if (missing.length > 0) {
      for (const name of missing) properties[name] = {};
      node.properties = properties;
      changes.push(`${path}: declared required ${missing.join(', ')}`);
    }
  }
  return node;
}

/**
 * An upstream tool's `inputSchema` made to compile under the catalog's strict ajv (draft-07):
 * unchanged when it already compiles; otherwise relaxed (unknown keywords, formats, `$schema`/`$id` and
 * patterns the linear-time engine refuses dropped, implied types and required properties declared); if it
 * still does not compile (or nests deeper than `MAX_SCHEMA_DEPTH`), `{ "type": "object" }`
 * (the upstream still validates its own arguments). The top level is always an object schema.
 */
export function sanitizeInputSchema(
  input: unknown,
  ajv: Ajv = (sharedAjv ??= createJsonSchemaAjv()),
): SanitizedSchema {
  if (!isNode(input))
    return { schema: { type: 'object' }, changes: ['not a schema object: accepting any object'] };
  const tooDeep = depthViolation(input, MAX_SCHEMA_DEPTH, '#');
  if (tooDeep) return { schema: { type: 'object' }, changes: [`${tooDeep.pointer}: ${tooDeep.detail}`] };
  const asIs: Node = { ...input };
  delete asIs.$schema;
  if (asIs.type === 'object' && schemaProblems(ajv, asIs).length === 0) return { schema: asIs, changes: [] };
  const changes: string[] = [];
  const relaxed = relax(input, ajv, '#', changes);
  if (relaxed.type !== 'object') {
    changes.push(`#: top-level type ${JSON.stringify(relaxed.type)} is not "object"`);
    return { schema: { type: 'object' }, changes };
  }
  const problems = schemaProblems(ajv, relaxed);
  if (problems.length === 0) return { schema: relaxed, changes };
  changes.push(...problems.map((problem) => `#${problem.pointer}: ${problem.detail}; accepting any object`));
  return { schema: { type: 'object' }, changes };
}
