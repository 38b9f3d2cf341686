import { hash } from 'node:crypto';

/** An object or array being written: its members still to write, in canonical order. */
interface Frame {
  container: Record<string, unknown>;
  /** An object's member names in canonical order, without members JSON leaves out; undefined for an array. */
  keys: string[] | undefined;
  length: number;
  next: number;
}

const MAX_ARRAY_INDEX = 2 ** 32 - 2;

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** A member JSON writes: not `undefined`, a function or a symbol (those are left out of objects). */
const isWritten = (value: unknown) =>
  value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';

/** A scalar as JSON; `undefined`, functions and symbols (array slots, top level) are `null`. */
const scalarText = (value: unknown): string => JSON.stringify(value) ?? 'null';

/** `"0"`, `"17"`…: names JavaScript objects enumerate first, in numeric order, whatever their insertion. */
function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57 || !/^(?:0|[1-9]\d*)$/.test(key)) return false;
  return Number(key) <= MAX_ARRAY_INDEX;
}

/**
 * Member names in canonical order: array-index names first in numeric order, then the others sorted by
 * UTF-16 code units (the order a plain object built from sorted entries enumerates; hashes depend on it).
 */
function canonicalKeys(record: Record<string, unknown>): string[] {
  const indexes: string[] = [];
  const names: string[] = [];
  for (const key of Object.keys(record)) {
    if (!isWritten(record[key])) continue;
    (isArrayIndex(key) ? indexes : names).push(key);
  }
  names.sort();
  if (indexes.length === 0) return names;
  indexes.sort((a, b) => Number(a) - Number(b));
  return indexes.concat(names);
}

function open(value: object): Frame {
  const container = value as Record<string, unknown>;
  if (Array.isArray(value)) return { container, keys: undefined, length: value.length, next: 0 };
  const keys = canonicalKeys(container);
  return { container, keys, length: keys.length, next: 0 };
}

/**
 * JSON with object keys in canonical order at every depth and `undefined` members dropped: equal data,
 * equal text. Written with an explicit stack, so no nesting depth overflows the call stack.
 */
export function canonicalJson(value: unknown): string {
  if (!isContainer(value)) return scalarText(value);
  let text = Array.isArray(value) ? '[' : '{';
  const stack: Frame[] = [open(value)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next === top.length) {
      text += top.keys ? '}' : ']';
      stack.pop();
      continue;
    }
    const index = top.next++;
    if (index > 0) text += ',';
    let child: unknown;
    if (top.keys) {
      const key = top.keys[index];
      text += `${JSON.stringify(key)}:`;
      child = top.container[key];
    } else {
      child = (top.container as unknown as unknown[])[index];
    }
    if (isContainer(child)) {
      text += Array.isArray(child) ? '[' : '{';
      stack.push(open(child));
    } else {
      text += scalarText(child);
    }
  }
  return text;
}

/** Lowercase hex SHA-256 of a string (UTF-8); one-shot `crypto.hash`, no Hash object per call. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
