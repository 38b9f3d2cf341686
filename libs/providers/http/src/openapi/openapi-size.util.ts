import { jsonBytesWithin, type ProblemViolation } from '@toolgate/core';

/**
 * How many times `HTTP_PROVIDER_MAX_SPEC_BYTES` a document may grow to once its `$refs` are inlined, and
 * all its tools' schemas together. Sharing a schema among operations is ordinary (200 operations returning
 * one 10 KB object are 2 MB), so this is well above 1; a `$ref` fan-out (10 × 10 × 10 refs to one 400 KB
 * string made a 403 KB document 4 GB of manifests) is far above it.
 */
export const MAX_INLINED_FACTOR = 8;
/** How many times `HTTP_PROVIDER_MAX_SPEC_BYTES` one operation's input and output schemas may have together. */
export const MAX_OPERATION_FACTOR = 2;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * JSON bytes of one value without its children: a string's UTF-8 and quotes, a literal, or an array's or
 * object's brackets, commas and (for an object) its keys with their quotes and colons.
 */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value) + 2;
  if (Array.isArray(value)) return 1 + Math.max(value.length, 1);
  if (!isObject(value)) return String(value).length;
  let total = 1;
  for (const key of Object.keys(value)) total += Buffer.byteLength(key) + 4;
  return Math.max(total, 2);
}

/**
 * The size bounds of one document's tools: each operation's `inputs` and `outputs` at most
 * `MAX_OPERATION_FACTOR` × `maxSpecBytes`, all of them together at most `MAX_INLINED_FACTOR` × `maxSpecBytes`.
 */
export class ToolSizeBudget {
  private total = 0;

  constructor(private readonly maxSpecBytes: number) {}

  /** Why the schemas of the operation at `pointer` cannot be accepted, if they cannot. */
  problemOf(schemas: unknown[], pointer: string): ProblemViolation | undefined {
    const operationLimit = MAX_OPERATION_FACTOR * this.maxSpecBytes;
    const documentLimit = MAX_INLINED_FACTOR * this.maxSpecBytes;
    const alreadyOver = this.total > documentLimit;
    const size = jsonBytesWithin(schemas, operationLimit);
    if (size === undefined) {
      return {
        pointer,
        detail:
          `the operation's input and output schemas expand to more than ${operationLimit} bytes once ` +
          `$refs are inlined (at most ${MAX_OPERATION_FACTOR} × the ${this.maxSpecBytes}-byte document limit)`,
      };
    }
    this.total += size;
    if (this.total <= documentLimit || alreadyOver) return undefined;
    return {
      pointer,
      detail:
        `the tools' schemas expand to more than ${documentLimit} bytes once $refs are inlined ` +
        `(at most ${MAX_INLINED_FACTOR} × the ${this.maxSpecBytes}-byte document limit)`,
    };
  }
}
