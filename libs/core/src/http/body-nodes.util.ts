import { type ProblemViolation } from '../errors/problem.types';
import { escapePointerSegment } from '../json/json-pointer.util';
import { isPlainObject } from './free-form-transformer.util';

/**
 * Members and array items a DTO body may hold, its free-form objects (`inputs`, `spec`, `env`…) aside: what
 * class-transformer and class-validator walk one by one (about 5 µs each, and the square of an object's
 * member count). Far above every DTO's shape (its longest array takes 128 items); a megabyte of members
 * would otherwise hold the event loop for seconds.
 */
export const MAX_BODY_NODES = 2_000;

/** Members and items under `value` (itself not counted) added to `count`, stopping once past `max`. */
function countWithin(value: unknown, count: number, max: number): number {
  const pending: unknown[] = [value];
  while (count <= max && pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      count += current.length;
      if (count <= max) for (const item of current as unknown[]) pending.push(item);
    } else {
      // Keys, not values: listing a huge object's values costs several times as much.
      const keys = Object.keys(current);
      count += keys.length;
      if (count <= max) for (const name of keys) pending.push((current as Record<string, unknown>)[name]);
    }
  }
  return count;
}

/**
 * The violation for a DTO body holding more than `max` members and array items, not counting inside the
 * top-level members named in `freeForm` when they are objects; undefined within the bound. The pointer names
 * the top-level member where the count passed `max` (the whole body when it is not an object). Iterative,
 * and stops soon after passing.
 */
export function bodyNodesViolation(
  body: unknown,
  freeForm: readonly string[],
  max: number,
): ProblemViolation | undefined {
  const detail = `takes the body past ${max} members and array items (free-form objects such as schemas not counted)`;
  if (!isPlainObject(body)) return countWithin(body, 0, max) > max ? { pointer: '', detail } : undefined;
  let count = 0;
  for (const key of Object.keys(body)) {
    const value = body[key];
    count += 1;
    if (!(freeForm.includes(key) && isPlainObject(value))) count = countWithin(value, count, max);
    if (count > max) return { pointer: `/${escapePointerSegment(key)}`, detail };
  }
  return undefined;
}
