import { type JsonSchema } from '@toolgate/core';

/** Formats ajv-formats knows; others are dropped (strict ajv refuses unknown formats). */
const KNOWN_FORMATS = new Set([
  'date',
  'time',
  'date-time',
  'duration',
  'uri',
  'uri-reference',
  'uri-template',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'regex',
  'uuid',
  'json-pointer',
  'relative-json-pointer',
  'byte',
  'int32',
  'int64',
  'float',
  'double',
  'password',
  'binary',
]);

/** JSON Schema keywords kept as they are (values need no conversion). */
const VALUE_KEYWORDS = [
  'title',
  'description',
  'default',
  'enum',
  'const',
  'multipleOf',
  'maximum',
  'minimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JSON type a schema without `type` is about, judged from its keywords (strict ajv wants one). */
function inferredType(schema: Record<string, unknown>): string | undefined {
  const has = (...keys: string[]) => keys.some((key) => key in schema);
  if (has('properties', 'additionalProperties', 'required', 'maxProperties', 'minProperties'))
    return 'object';
  if (has('items', 'maxItems', 'minItems', 'uniqueItems')) return 'array';
  if (has('maxLength', 'minLength', 'pattern')) return 'string';
  if (has('maximum', 'minimum', 'multipleOf', 'exclusiveMaximum', 'exclusiveMinimum')) return 'number';
  return undefined;
}

function typeOf(schema: Record<string, unknown>): unknown {
  const type = schema.type ?? inferredType(schema);
  if (schema.nullable !== true || type === undefined) return type;
  return Array.isArray(type) ? [...new Set([...type, 'null'])] : [type, 'null'];
}

/** OpenAPI 3.0 boolean `exclusiveMaximum`/`exclusiveMinimum` become draft-07 numbers; 3.1 numbers stay. */
function bounds(schema: Record<string, unknown>, out: Record<string, unknown>): void {
  for (const [exclusive, inclusive] of [
    ['exclusiveMaximum', 'maximum'],
    ['exclusiveMinimum', 'minimum'],
  ] as const) {
    const value = schema[exclusive];
    if (typeof value === 'number') out[exclusive] = value;
    if (value === true && typeof schema[inclusive] === 'number') {
      out[exclusive] = schema[inclusive];
      delete out[inclusive];
    }
  }
}

function objectKeywords(schema: Record<string, unknown>, out: Record<string, unknown>): void {
  const properties = isObject(schema.properties) ? { ...schema.properties } : undefined;
  const required = Array.isArray(schema.required)
    ? schema.required.filter((name): name is string => typeof name === 'string')
    : [];
  if (properties || required.length > 0) {
    // Without a prototype: a property `__proto__` is a property, not the object's prototype.
    const all: Record<string, unknown> = Object.assign(Object.create(null), properties);
    // strict ajv: every required property is declared (`constructor` too: an inherited member is not)
    for (const name of required) if (!Object.hasOwn(all, name)) all[name] = {};
    out.properties = Object.fromEntries(
      Object.entries(all).map(([name, value]) => [name, toJsonSchema(value)]),
    );
  }
  if (required.length > 0) out.required = [...new Set(required)];
  if (typeof schema.additionalProperties === 'boolean')
    out.additionalProperties = schema.additionalProperties;
  else if (isObject(schema.additionalProperties))
    out.additionalProperties = toJsonSchema(schema.additionalProperties);
}

/**
 * An OpenAPI schema object (3.0 or 3.1, `$ref`s already inlined) as a draft-07 JSON Schema that compiles
 * under strict ajv: known keywords only (`discriminator`, `xml`, `x-*`… dropped), `nullable` as a `null`
 * type, 3.0 boolean exclusive bounds as numbers, `example` as `examples`, unknown formats dropped, a `type`
 * inferred where the keywords imply one, every required property declared.
 */
export function toJsonSchema(schema: unknown): JsonSchema {
  if (!isObject(schema)) return {};
  const out: Record<string, unknown> = {};
  const type = typeOf(schema);
  if (type !== undefined) out.type = type;
  for (const keyword of VALUE_KEYWORDS) if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
  if (typeof schema.format === 'string' && KNOWN_FORMATS.has(schema.format)) out.format = schema.format;
  if (Array.isArray(schema.examples)) out.examples = schema.examples;
  else if (schema.example !== undefined) out.examples = [schema.example];
  bounds(schema, out);
  objectKeywords(schema, out);
  if (isObject(schema.items)) out.items = toJsonSchema(schema.items);
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches) && branches.length > 0) out[keyword] = branches.map(toJsonSchema);
  }
  if (isObject(schema.not)) out.not = toJsonSchema(schema.not);
  return out;
}
