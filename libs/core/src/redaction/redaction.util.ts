import { storableKeys, storableText, uniqueName } from '../json/storable-json.util';
import { REDACTED, redactSecretText, SensitiveFields } from './sensitive-data.util';

/** Bounds of a redacted copy; beyond them members, items and characters are dropped with a marker. */
export interface JsonLimits {
  depth: number;
  /** Members kept per object (first by name), then a `…` member counting the rest. */
  keys: number;
  /** Items kept per array, then a string item counting the rest. */
  items: number;
  /** UTF-16 units per string value. */
  string: number;
  /** UTF-16 units per member name. */
  key: number;
}

const UNBOUNDED: JsonLimits = { depth: 32, keys: Infinity, items: Infinity, string: Infinity, key: Infinity };

export interface RedactOptions {
  /**
   * The top-level member that holds the tool arguments (`arguments` in an audit event's `details`): dotted
   * `sensitive_fields` paths start there. Absent: the value itself is the tool arguments.
   */
  argumentsKey?: string;
  limits?: Partial<JsonLimits>;
}

interface Walk {
  fields: SensitiveFields;
  limits: JsonLimits;
  argumentsKey?: string;
}

function copyValue(value: unknown, walk: Walk, base: string | null, depth: number): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return storableText(redactSecretText(value), walk.limits.string);
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return null;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= walk.limits.depth) return '[depth limit]';
  if (Array.isArray(value)) {
    const { items } = walk.limits;
    const copy = value.slice(0, items).map((item) => copyValue(item, walk, base, depth + 1));
    if (value.length > items) copy.push(`[${value.length - items} more items]`);
    return copy;
  }
  return copyObject(value as Record<string, unknown>, walk, base, depth);
}

function copyObject(
  record: Record<string, unknown>,
  walk: Walk,
  base: string | null,
  depth: number,
): Record<string, unknown> {
  const keys = Object.keys(record).filter(
    (key) => record[key] !== undefined && typeof record[key] !== 'function',
  );
  const named = storableKeys(keys, walk.limits.key);
  const entries = named.slice(0, walk.limits.keys).map(([name, key]): [string, unknown] => {
    const lower = key.toLowerCase();
    const path = base === null ? null : base === '' ? lower : `${base}.${lower}`;
    if (walk.fields.hides(key, path)) return [name, REDACTED];
    const inner = base === null && depth === 0 && key === walk.argumentsKey ? '' : path;
    return [name, copyValue(record[key], walk, inner, depth + 1)];
  });
  if (named.length > entries.length) {
    const marker = uniqueName('…', new Set(entries.map(([name]) => name)));
    entries.push([marker, `[${named.length - entries.length} more keys]`]);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  // fromEntries defines own members (an `__proto__` key stays data), in the order given.
  return Object.fromEntries(entries);
}

/**
 * The one redactor of tool arguments, for the approver's view, `pending_actions` and the audit trail:
 * a copy where members named like a secret or listed in `sensitiveFields` (see `SensitiveFields`) become
 * `[REDACTED]`, and so does each credential inside a string value (`redactSecretText`: the rest of the
 * string is kept; a string that is a credential as a whole becomes `[REDACTED]`). The copy is storable as
 * Postgres jsonb and canonical: NUL and lone surrogates become U+FFFD, member names are rewritten the same
 * way (colliding names get `#2`, `#3`…), members are sorted by name, values JSON cannot hold become `null`
 * (bigint a string, a Date its ISO text), and `limits` bound depth, sizes and lengths.
 */
export function redactJson(
  value: Record<string, unknown>,
  sensitiveFields: readonly string[] = [],
  options: RedactOptions = {},
): Record<string, unknown> {
  const walk: Walk = {
    fields: new SensitiveFields(sensitiveFields),
    limits: { ...UNBOUNDED, ...options.limits },
    argumentsKey: options.argumentsKey,
  };
  return copyObject(value, walk, options.argumentsKey === undefined ? '' : null, 0);
}
