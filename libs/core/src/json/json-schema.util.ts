import Ajv, { type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';

import { type ProblemViolation } from '../errors/problem.types';
import { escapePointerSegment } from './json-pointer.util';
import { depthViolation, MAX_SCHEMA_DEPTH } from './json-depth.util';
import { linearRegExp } from './linear-regexp.util';
import { schemaSafetyProblems } from './schema-safety.util';

/** A JSON Schema document (draft-07, the dialect tools and MCP servers publish). */
export type JsonSchema = Record<string, unknown>;

const STRICT_OPTIONS: Options = {
  strict: true,
  allErrors: true,
  allowUnionTypes: true,
  // Only an argument's own members count: otherwise `{}` has a `constructor` (a required property named so
  // is "present") and its value is a function ("must be string").
  ownProperties: true,
  code: { regExp: linearRegExp },
};

/**
 * The one ajv configuration for tool schemas: strict schemas, every violation reported, formats on, own
 * members only, `pattern`s matched by a linear-time engine (RE2).
 */
export function createJsonSchemaAjv(): Ajv {
  const ajv = new Ajv(STRICT_OPTIONS);
  addFormats(ajv);
  return ajv;
}

function pointerOf(error: ErrorObject): string {
  const missing =
    error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  const extra =
    error.keyword === 'additionalProperties'
      ? (error.params as { additionalProperty?: string }).additionalProperty
      : undefined;
  const child = missing ?? extra;
  const escaped = child === undefined ? undefined : escapePointerSegment(child);
  return escaped === undefined ? error.instancePath : `${error.instancePath}/${escaped}`;
}

/** ajv errors as problem violations: the JSON pointer of the offending value and what is wrong with it. */
export function toViolations(errors: ErrorObject[] | null | undefined, prefix = ''): ProblemViolation[] {
  return (errors ?? []).map((error) => ({
    pointer: `${prefix}${pointerOf(error)}`,
    detail: error.message ?? `fails ${error.keyword}`,
  }));
}

/**
 * Every problem that stops `schema` from serving as a tool schema: nesting deeper than `MAX_SCHEMA_DEPTH`,
 * meta-schema violations (all of them), then what `schemaSafetyProblems` finds (`$id`, patterns the
 * linear-time engine refuses, endless `$ref` recursion), then the first strict-mode error ajv raises.
 * Empty when the schema compiles.
 */
export function schemaProblems(ajv: Ajv, schema: unknown, pointer = ''): ProblemViolation[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return [{ pointer, detail: 'must be a JSON Schema object' }];
  }
  const tooDeep = depthViolation(schema, MAX_SCHEMA_DEPTH, pointer);
  if (tooDeep) return [tooDeep];
  if (!ajv.validateSchema(schema)) return toViolations(ajv.errors, pointer);
  const unsafe = schemaSafetyProblems(schema as Record<string, unknown>, pointer);
  if (unsafe.length > 0) return unsafe;
  try {
    ajv.compile(schema);
    return [];
  } catch (error) {
    return [{ pointer, detail: error instanceof Error ? error.message : String(error) }];
  } finally {
    ajv.removeSchema(schema);
  }
}
