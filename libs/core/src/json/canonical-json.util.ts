import { hash } from 'node:crypto';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  );
}

/** JSON with object keys sorted at every depth and `undefined` members dropped: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

/** Lowercase hex SHA-256 of a string (UTF-8); one-shot `crypto.hash`, no Hash object per call. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
