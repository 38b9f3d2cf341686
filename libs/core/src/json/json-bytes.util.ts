/** Bytes of one primitive as JSON (`undefined`, functions and symbols: `null`, as in an array). */
function primitiveBytes(value: unknown, room: number): number {
  // A string is never fewer bytes than UTF-16 units (plus quotes): a long one is not escaped to know.
  if (typeof value === 'string')
    return value.length + 2 > room ? room + 1 : Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (typeof value === 'bigint') return String(value).length;
  return 4;
}

const omitted = (value: unknown) =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * Bytes of `JSON.stringify(value)` in UTF-8, or `undefined` as soon as they pass `limit`. Walks without
 * recursion and without building the string, and stops at the limit: a value whose parts are shared (an
 * OpenAPI document with its `$ref`s inlined) may stand for gigabytes of JSON. A cycle ends past the limit.
 */
export function jsonBytesWithin(value: unknown, limit: number): number | undefined {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= limit) {
    const node = toJson(stack.pop());
    if (Array.isArray(node)) {
      total += 2 + Math.max(0, node.length - 1);
      if (total > limit) break;
      for (let i = node.length - 1; i >= 0; i -= 1) stack.push(omitted(node[i]) ? null : node[i]);
    } else if (node !== null && typeof node === 'object') {
      // Member by member, so a huge object stops at the limit instead of having all its entries listed.
      const record = node as Record<string, unknown>;
      let members = 0;
      total += 1; // `{`
      for (const key of Object.keys(record)) {
        const member = record[key];
        if (omitted(member)) continue;
        members += 1;
        total += primitiveBytes(key, limit - total) + 2; // the key, `:`, and `,` or `}`
        if (total > limit) break;
        stack.push(member);
      }
      if (members === 0) total += 1; // `}`
    } else total += primitiveBytes(node, limit - total);
  }
  return total > limit ? undefined : total;
}

/** What `JSON.stringify` writes for an object with a `toJSON` (a `Date`): its result. */
function toJson(value: unknown): unknown {
  const toJSON = (value as { toJSON?: unknown } | null)?.toJSON;
  return typeof value === 'object' && typeof toJSON === 'function' ? toJSON.call(value) : value;
}
