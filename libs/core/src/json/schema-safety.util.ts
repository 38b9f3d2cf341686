import { type ProblemViolation } from '../errors/problem.types';
import { unsupportedPatternReason } from './linear-regexp.util';
import { endlessRefPointer } from './schema-ref-cycle.util';
import { escapePointerSegment } from './json-pointer.util';
import { forEachSubschema, isSchemaNode, type SchemaNode } from './schema-walk.util';

const ID_DETAIL =
  'is not allowed: schema ids are global to the gateway; refer to parts of this schema with "#/definitions/…"';

function patternProblems(node: SchemaNode, pointer: string): ProblemViolation[] {
  const problems: ProblemViolation[] = [];
  const check = (pattern: string, at: string) => {
    const reason = unsupportedPatternReason(pattern);
    if (reason) problems.push({ pointer: at, detail: reason });
  };
  if (typeof node.pattern === 'string') check(node.pattern, `${pointer}/pattern`);
  if (isSchemaNode(node.patternProperties)) {
    for (const pattern of Object.keys(node.patternProperties))
      check(pattern, `${pointer}/patternProperties/${escapePointerSegment(pattern)}`);
  }
  return problems;
}

/**
 * What makes a schema unsafe to share one validator with other tenants' schemas, each with the pointer of
 * the keyword: a `$id` anywhere (ids are registered globally: one schema's id would break or redirect
 * another's references), a `pattern` or `patternProperties` name the linear-time engine cannot compile, a
 * `$ref` that leads back to itself without descending into the data (endless recursion).
 */
export function schemaSafetyProblems(schema: SchemaNode, pointer = ''): ProblemViolation[] {
  const problems: ProblemViolation[] = [];
  const pointers = new Map<SchemaNode, string>();
  forEachSubschema(
    schema,
    (node, at) => {
      pointers.set(node, at);
      if (node.$id !== undefined) problems.push({ pointer: `${at}/$id`, detail: ID_DETAIL });
      problems.push(...patternProblems(node, at));
    },
    pointer,
  );
  const endless = endlessRefPointer(schema, pointers);
  if (endless !== undefined) {
    problems.push({
      pointer: endless,
      detail: 'leads back to a schema applied to the same value: validation would never end',
    });
  }
  return problems;
}

/** Whether a `$id` appears anywhere in the schema (such a schema is compiled on its own). */
export function declaresSchemaId(schema: unknown): boolean {
  let found = false;
  forEachSubschema(schema, (node) => {
    found ||= node.$id !== undefined;
  });
  return found;
}
