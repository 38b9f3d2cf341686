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

/**
 * The JSON pointer (after `prefix`) of the first object or array nested deeper than `maxDepth` levels in
 * `value`, or undefined. Iterative (no recursion, so any depth is safe) and stops at the first one found.
 */
export function tooDeepPointer(value: unknown, maxDepth: number, prefix = ''): string | undefined {
  const root = frameOf(value);
  if (!root) return undefined;
  if (maxDepth < 1) return prefix;
  const stack: Frame[] = [root];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next >= top.length) {
      stack.pop();
      continue;
    }
    const child = frameOf(childAt(top, top.next++));
    if (!child) continue;
    if (stack.length >= maxDepth) {
      return prefix + stack.map((frame) => `/${escapePointerSegment(keyAt(frame, frame.next - 1))}`).join('');
    }
    stack.push(child);
  }
  return undefined;
}

/** The violation for a value nested deeper than `maxDepth`, or undefined when it is not. */
export function depthViolation(value: unknown, maxDepth: number, prefix = ''): ProblemViolation | undefined {
  const pointer = tooDeepPointer(value, maxDepth, prefix);
  return pointer === undefined
    ? undefined
    : { pointer, detail: `nests deeper than ${maxDepth} levels of objects and arrays` };
}
