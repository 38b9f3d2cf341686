import { type ManifestInput } from '@toolgate/catalog';
import { createJsonSchemaAjv, type ProblemViolation, schemaProblems } from '@toolgate/core';

import { type HttpOperation } from '../http-api.types';
import { InvalidOpenApiException } from '../http-provider.exception';
import { collectOperations, type OpenApiLimits, readOpenApiDocument } from './openapi-document.util';
import { buildOperation, RESERVED_HEADERS } from './operation-manifest.util';

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
 * Turns an OpenAPI 3.x document into tools of API `api`. All or nothing: every problem (version, size,
 * operation count, external or circular refs, duplicate operation ids, input schemas that do not compile
 * under strict ajv) is collected and thrown as one 422. Operations with a non-JSON body are skipped.
 */
export function planIngestion(spec: unknown, api: string, options: PlanOptions): IngestPlan {
  const document = readOpenApiDocument(spec, options);
  const raws = collectOperations(document, options);
  const reserved = new Set([
    ...RESERVED_HEADERS,
    ...(options.extraReservedHeaders ?? []).map((h) => h.toLowerCase()),
  ]);
  const ajv = createJsonSchemaAjv();
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
      problems.push({
        pointer: `${raw.pointer}/operationId`,
        detail: `operation id "${operationId}" is also ${clash}'s`,
      });
      continue;
    }
    seen.set(operationId, endpoint);
    // The generated schema is not in the document: point at the operation, name the place in the schema.
    for (const problem of schemaProblems(ajv, built.manifest.inputs)) {
      problems.push({
        pointer: raw.pointer,
        detail: `input schema at "${problem.pointer}": ${problem.detail}`,
      });
    }
    if (schemaProblems(ajv, built.manifest.outputs, raw.pointer).length > 0)
      built.manifest.outputs = { type: 'object' };
    plan.operations.push(built.operation);
    plan.manifests.push(built.manifest);
  }
  if (raws.length > 0 && plan.operations.length === 0 && problems.length === 0) {
    problems.push({ pointer: '/spec/paths', detail: 'no operation can be turned into a tool' });
  }
  if (raws.length === 0)
    problems.push({ pointer: '/spec/paths', detail: 'the document defines no operation' });
  if (problems.length > 0) throw new InvalidOpenApiException(problems);
  return plan;
}
