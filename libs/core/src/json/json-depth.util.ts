import { type ProblemViolation } from '../errors/problem.types';
import { escapePointerSegment } from './json-pointer.util';

/** Levels of objects and arrays tool arguments may nest (the arguments object itself is level 1). */
export const MAX_ARGUMENT_DEPTH = 64;

/** Levels of objects and arrays a JSON Schema document may nest (a manifest's `inputs` or `outputs`). */
export const MAX_SCHEMA_DEPTH = 128;

interface Frame {
  container: Record<string, unknown>;
  /** An object's member names; undefined for an array (its indexes). */
  keys: string[] | undefined;
  length: number;
  next: number;
}

function frameOf(value: unknown): Frame | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const container = value as Record<string, unknown>;
  const keys = Array.isArray(value) ? undefined : Object.keys(container);
  return { container, keys, length: keys?.length ?? (value as unknown[]).length, next: 0 };
}

const keyAt = (frame: Frame, index: number) => frame.keys?.[index] ?? String(index);
const childAt = (frame: Frame, index: number) =>
  frame.keys ? frame.container[frame.keys[index]] : (frame.container as unknown as unknown[])[index];

const pointerOf = (stack: Frame[], prefix: string) =>
  prefix + stack.map((frame) => `/${escapePointerSegment(keyAt(frame, frame.next - 1))}`).join('');

/** A number JSON cannot write: `1e400` parses to `Infinity`, which `JSON.stringify` writes as `null`. */
const isNonFinite = (value: unknown) => typeof value === 'number' && !Number.isFinite(value);

/**
 * The first object or array nested deeper than `maxDepth` levels in `value` (`deep`), or the first leaf
 * `refuse` refuses (`leaf`), with its JSON pointer after `prefix`; undefined when there is none. Iterative
 * (no recursion, so any depth is safe) and stops at the first finding.
 */
function firstFinding(
  value: unknown,
  maxDepth: number,
  prefix: string,
  refuse?: (leaf: unknown) => boolean,
): { pointer: string; kind: 'deep' | 'leaf' } | undefined {
  const root = frameOf(value);
  if (!root) return refuse?.(value) ? { pointer: prefix, kind: 'leaf' } : undefined;
  if (maxDepth < 1) return { pointer: prefix, kind: 'deep' };
  const stack: Frame[] = [root];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next >= top.length) {
      stack.pop();
      continue;
    }
    const item = childAt(top, top.next++);
    const child = frameOf(item);
    if (!child) {
      if (refuse?.(item)) return { pointer: pointerOf(stack, prefix), kind: 'leaf' };
      continue;
    }
    if (stack.length >= maxDepth) return { pointer: pointerOf(stack, prefix), kind: 'deep' };
    stack.push(child);
  }
  return undefined;
}

/**
 * The JSON pointer (after `prefix`) of the first object or array nested deeper than `maxDepth` levels in
 * `value`, or undefined. Iterative (no recursion, so any depth is safe) and stops at the first one found.
 */
export function tooDeepPointer(value: unknown, maxDepth: number, prefix = ''): string | undefined {
  return firstFinding(value, maxDepth, prefix)?.pointer;
}

/**
 * Tool arguments' own limits, checked in one walk before any schema: nesting deeper than `maxDepth`, and
 * numbers out of JSON's range (`1e400` would be stored, shown and hashed as `null`, so an approver would see
 * another value than the one that runs).
 */
export function argumentsViolation(value: unknown, maxDepth: number): ProblemViolation | undefined {
  const found = firstFinding(value, maxDepth, '', isNonFinite);
  if (!found) return undefined;
  return found.kind === 'deep'
    ? { pointer: found.pointer, detail: `nests deeper than ${maxDepth} levels of objects and arrays` }
    : { pointer: found.pointer, detail: 'is a number too large for JSON (not finite)' };
}

/** The violation for a value nested deeper than `maxDepth`, or undefined when it is not. */
export function depthViolation(value: unknown, maxDepth: number, prefix = ''): ProblemViolation | undefined {
  const pointer = tooDeepPointer(value, maxDepth, prefix);
  return pointer === undefined
    ? undefined
    : { pointer, detail: `nests deeper than ${maxDepth} levels of objects and arrays` };
}
