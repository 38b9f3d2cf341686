import { REDACTED } from '@toolgate/observability';

/** Argument names redacted whatever the manifest says (compared case-insensitively). */
const SECRET_NAMES = [
  'password',
  'passwd',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'apikey',
  'client_secret',
  'private_key',
  'authorization',
  'action_token',
];

const MAX_DEPTH = 32;

function redactValue(value: unknown, names: ReadonlySet<string>, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, names, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      names.has(key.toLowerCase()) ? REDACTED : redactValue(item, names, depth + 1),
    ]),
  );
}

/**
 * A copy of tool arguments safe to store and show an approver: every member named in the manifest's
 * `sensitive_fields` (at any depth) or named like a secret is replaced with `[REDACTED]`.
 */
export function redactArguments(
  input: Record<string, unknown>,
  sensitiveFields: readonly string[],
): Record<string, unknown> {
  const names = new Set([...SECRET_NAMES, ...sensitiveFields.map((name) => name.toLowerCase())]);
  return redactValue(input, names, 0) as Record<string, unknown>;
}
