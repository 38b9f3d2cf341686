import { parse as parseYaml } from 'yaml';

import {
  depthViolation,
  escapePointerSegment,
  MAX_SCHEMA_DEPTH,
  type ProblemViolation,
} from '@toolgate/core';

import { HTTP_METHODS, type HttpMethod } from '../http-api.types';
import { InvalidOpenApiException } from '../http-provider.exception';
import { LocalRefResolver } from './openapi-ref.util';

export interface OpenApiLimits {
  maxSpecBytes: number;
  maxOperations: number;
}

/** One operation of the document, `$ref`s inlined, with the path item's shared parameters. */
export interface RawOperation {
  method: HttpMethod;
  path: string;
  operation: Record<string, unknown>;
  pathParameters: unknown[];
  /** JSON pointer of the operation in the submitted body (`/spec/paths/~1pets/get`). */
  pointer: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const fail = (pointer: string, detail: string): never => {
  throw new InvalidOpenApiException([{ pointer, detail }]);
};

/** Deepest nesting of a document: schemas of `MAX_SCHEMA_DEPTH` under paths, operations and media types. */
const MAX_DOCUMENT_DEPTH = MAX_SCHEMA_DEPTH + 16;

const failIfTooDeep = (document: unknown) => {
  const tooDeep = depthViolation(document, MAX_DOCUMENT_DEPTH, '/spec');
  if (tooDeep) fail(tooDeep.pointer, tooDeep.detail);
};

/**
 * The document as an object: YAML or JSON text is parsed (YAML aliases bounded), both forms size-checked
 * and depth-checked (`MAX_SCHEMA_DEPTH` + 16 levels).
 */
export function readOpenApiDocument(spec: unknown, limits: OpenApiLimits): Record<string, unknown> {
  failIfTooDeep(spec);
  const text = typeof spec === 'string' ? spec : JSON.stringify(spec ?? null);
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxSpecBytes) {
    fail('/spec', `the document has ${bytes} bytes; at most ${limits.maxSpecBytes} are accepted`);
  }
  let document: unknown = spec;
  if (typeof spec === 'string') {
    try {
      document = parseYaml(spec, { maxAliasCount: 100, uniqueKeys: true });
    } catch (error) {
      fail('/spec', `not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
    }
    failIfTooDeep(document);
  }
  if (!isObject(document)) return fail('/spec', 'must be an OpenAPI document (an object)');
  if (document.swagger !== undefined)
    fail('/spec/swagger', 'Swagger 2.0 is not supported: convert it to OpenAPI 3');
  if (typeof document.openapi !== 'string' || !/^3\.[01]\.\d+$/.test(document.openapi)) {
    fail(
      '/spec/openapi',
      `must be an OpenAPI 3.0 or 3.1 version (got ${JSON.stringify(document.openapi ?? null)})`,
    );
  }
  if (!isObject(document.paths)) fail('/spec/paths', 'must be an object of paths');
  return document;
}

/**
 * Every operation of the document with local `$ref`s inlined. Refuses (422, every problem listed) external
 * or circular refs, documents that inline to more than `MAX_INLINED_FACTOR` × `maxSpecBytes` bytes and more
 * than `maxOperations` operations.
 */
export function collectOperations(document: Record<string, unknown>, limits: OpenApiLimits): RawOperation[] {
  const resolver = new LocalRefResolver(document, limits.maxSpecBytes);
  const problems: ProblemViolation[] = [];
  const operations: RawOperation[] = [];
  for (const [path, rawItem] of Object.entries(document.paths as Record<string, unknown>)) {
    const itemPointer = `/spec/paths/${escapePointerSegment(path)}`;
    if (!path.startsWith('/')) problems.push({ pointer: itemPointer, detail: 'a path must start with "/"' });
    const item = resolver.inline(rawItem, itemPointer);
    if (!isObject(item)) continue;
    const pathParameters = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      if (!isObject(item[method])) continue;
      operations.push({
        method,
        path,
        operation: item[method],
        pathParameters,
        pointer: `${itemPointer}/${method}`,
      });
    }
  }
  if (operations.length > limits.maxOperations) {
    problems.push({
      pointer: '/spec/paths',
      detail: `the document has ${operations.length} operations; at most ${limits.maxOperations} are accepted`,
    });
  }
  problems.push(...resolver.problems);
  if (problems.length > 0) throw new InvalidOpenApiException(problems);
  return operations;
}
