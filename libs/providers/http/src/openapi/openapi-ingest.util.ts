import { type ManifestInput } from '@toolgate/catalog';
import { createJsonSchemaAjv, type ProblemViolation, schemaProblems } from '@toolgate/core';

import { type HttpOperation } from '../http-api.types';
import { InvalidOpenApiException } from '../http-provider.exception';
import { collectOperations, type OpenApiLimits, readOpenApiDocument } from './openapi-document.util';
import { type BuiltOperation, buildOperation } from './operation-manifest.util';
import { ToolSizeBudget } from './openapi-size.util';

/** An operation left out of the catalog, and why. */
export interface SkippedOperation {
  operation: string;
  reason: string;
}

/** What ingesting one document produces: request recipes, catalog manifests, operations left out. */
export interface IngestPlan {
  operations: HttpOperation[];
  manifests: ManifestInput[];
  skipped: SkippedOperation[];
}

export interface PlanOptions extends OpenApiLimits {
  /** Header names agents may not set beyond the reserved ones (the API's auth header). */
  extraReservedHeaders?: string[];
}

/**
 * The input schema's problems (the generated schema is not in the document: they point at the operation and
 * name the place in the schema); an output schema that does not compile is replaced by `{ type: object }`.
 */
function builtProblems(
  ajv: ReturnType<typeof createJsonSchemaAjv>,
  built: BuiltOperation,
  pointer: string,
): ProblemViolation[] {
  if (schemaProblems(ajv, built.manifest.outputs, pointer).length > 0)
    built.manifest.outputs = { type: 'object' };
  return schemaProblems(ajv, built.manifest.inputs).map((problem) => ({
    pointer,
    detail: `input schema at "${problem.pointer}": ${problem.detail}`,
  }));
}

/** Problems of the whole plan: a document without operations, or none that can be a tool. */
function emptyPlanProblems(operationCount: number, plan: IngestPlan): ProblemViolation[] {
  if (operationCount === 0) return [{ pointer: '/spec/paths', detail: 'the document defines no operation' }];
  if (plan.operations.length > 0) return [];
  return [{ pointer: '/spec/paths', detail: 'no operation can be turned into a tool' }];
}

/**
 * Turns an OpenAPI 3.x document into tools of API `api`. All or nothing: every problem (version, size,
 * operation count, external or circular refs, duplicate operation ids, schemas that inline to more than
 * `ToolSizeBudget` allows, input schemas that do not compile under strict ajv) is collected and thrown as
 * one 422. Operations with a non-JSON body are skipped.
 */
export function planIngestion(spec: unknown, api: string, options: PlanOptions): IngestPlan {
  const document = readOpenApiDocument(spec, options);
  const raws = collectOperations(document, options);
  const reserved = new Set((options.extraReservedHeaders ?? []).map((h) => h.toLowerCase()));
  const ajv = createJsonSchemaAjv();
  const budget = new ToolSizeBudget(options.maxSpecBytes);
  const problems: ProblemViolation[] = [];
  const plan: IngestPlan = { operations: [], manifests: [], skipped: [] };
  const seen = new Map<string, string>();
  for (const raw of raws) {
    const built = buildOperation(api, raw, reserved);
    const endpoint = `${raw.method.toUpperCase()} ${raw.path}`;
    if (typeof built === 'string') {
      plan.skipped.push({ operation: endpoint, reason: built });
      continue;
    }
    const { operationId } = built.operation;
    const clash = seen.get(operationId);
    if (clash) {
      const detail = `operation id "${operationId}" is also ${clash}'s`;
      problems.push({ pointer: `${raw.pointer}/operationId`, detail });
      continue;
    }
    seen.set(operationId, endpoint);
    // Before ajv sees them: a schema too large to store is refused without compiling it.
    const tooLarge = budget.problemOf([built.manifest.inputs, built.manifest.outputs], raw.pointer);
    problems.push(...(tooLarge ? [tooLarge] : builtProblems(ajv, built, raw.pointer)));
    plan.operations.push(built.operation);
    plan.manifests.push(built.manifest);
  }
  if (problems.length === 0) problems.push(...emptyPlanProblems(raws.length, plan));
  if (problems.length > 0) throw new InvalidOpenApiException(problems);
  return plan;
}
