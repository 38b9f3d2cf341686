import { REDACTED } from '@toolgate/observability';

/** Member names whose values never reach the audit trail, whatever the manifest says. */
const SECRET_NAME =
  /^(authorization|cookie|set-cookie|pass(word|wd|phrase)?|pwd|secret|.*_secret|secret_.*|token|.*_token|api[-_]?key|x-api-key|private[-_]?key|client[-_]?secret|credentials?|signature)$/i;

/** Values that are credentials whatever they are called: JWTs, `tg_` API keys, bearer headers. */
const SECRET_VALUE = /^(eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*|tg_[\w-]{16,}|bearer\s+\S{8,})$/i;

export const AUDIT_LIMITS = { depth: 8, keys: 100, items: 100, string: 1024 } as const;

// Postgres jsonb refuses NUL and lone surrogates: drop them rather than lose the event.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** A string safe to store (jsonb) and bounded in length. */
export function storableText(value: string, max: number = AUDIT_LIMITS.string): string {
  const clean = UNSTORABLE.test(value) ? value.replace(UNSTORABLE_ALL, '\ufffd') : value;
  return clean.length > max ? `${clean.slice(0, max)}…[${clean.length - max} more]` : clean;
}

interface Walk {
  sensitive: ReadonlySet<string>;
}

function redactString(value: string): string {
  return SECRET_VALUE.test(value) ? REDACTED : storableText(value);
}

function redactValue(value: unknown, walk: Walk, path: string, depth: number): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return redactString(value);
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
  if (depth >= AUDIT_LIMITS.depth) return '[depth limit]';
  if (Array.isArray(value)) {
    const items = value.slice(0, AUDIT_LIMITS.items).map((item) => redactValue(item, walk, path, depth + 1));
    if (value.length > AUDIT_LIMITS.items) items.push(`[${value.length - AUDIT_LIMITS.items} more items]`);
    return items;
  }
  return redactObject(value as Record<string, unknown>, walk, path, depth);
}

function redactObject(record: Record<string, unknown>, walk: Walk, path: string, depth: number): unknown {
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function')
    .sort();
  const out: Record<string, unknown> = {};
  for (const key of keys.slice(0, AUDIT_LIMITS.keys)) {
    const name = storableText(key, 200);
    const childPath = path ? `${path}.${name}` : name;
    const hidden =
      SECRET_NAME.test(name) ||
      walk.sensitive.has(name.toLowerCase()) ||
      walk.sensitive.has(childPath.toLowerCase());
    out[name] = hidden ? REDACTED : redactValue(record[key], walk, childPath, depth + 1);
  }
  if (keys.length > AUDIT_LIMITS.keys) out['…'] = `[${keys.length - AUDIT_LIMITS.keys} more keys]`;
  return out;
}

/**
 * A copy of `details` safe for the audit trail: members named like a secret, and those the manifest lists
 * in `sensitive_fields` (a name matches at any depth, a dotted path from the top), become `[REDACTED]`;
 * values that are credentials (JWTs, API keys) too. Keys are sorted; depth, sizes and string lengths are
 * bounded; values JSON cannot hold become `null`.
 */
export function redactDetails(
  details: Record<string, unknown> | undefined,
  sensitiveFields: readonly string[] = [],
): Record<string, unknown> {
  if (!details) return {};
  const walk: Walk = { sensitive: new Set(sensitiveFields.map((field) => field.toLowerCase())) };
  return redactObject(details, walk, '', 0) as Record<string, unknown>;
}
