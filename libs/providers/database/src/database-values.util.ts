import { type CustomTypesConfig, types } from 'pg';

/** date, timestamp, timestamptz and their arrays: pg parses their `infinity` / `-infinity` to ±Infinity. */
const DATE_TYPES = new Set([1082, 1114, 1184, 1182, 1115, 1185]);
/** interval: pg parses an infinite one (Postgres 17+) to `{}`, the zero interval. */
const INTERVAL = 1186;

/** Infinite dates as Postgres writes them, inside arrays too; any other value unchanged. */
function infiniteDateText(value: unknown): unknown {
  if (value === Number.POSITIVE_INFINITY) return 'infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-infinity';
  return Array.isArray(value) ? value.map(infiniteDateText) : value;
}

/**
 * Type parsers of the tools' results: pg's own, except that infinite dates and intervals stay `'infinity'` /
 * `'-infinity'` (pg turns dates into ±Infinity, which JSON would write as null, like SQL NULL).
 */
export const RESULT_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    const parse = types.getTypeParser(oid, format as 'text') as (text: string) => unknown;
    if (DATE_TYPES.has(oid)) return (text: string) => infiniteDateText(parse(text));
    if (oid === INTERVAL) return (text: string) => (/^-?infinity$/.test(text) ? text : parse(text));
    return parse;
  }) as CustomTypesConfig['getTypeParser'],
};

/**
 * A value as JSON can carry it: `bytea` as `\x…` hex like psql, NaN and ±Infinity as Postgres writes them
 * (JSON would turn them into null, like SQL NULL), arrays element by element, everything else as pg parsed it.
 */
export function jsonValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) {
    if (Number.isNaN(value)) return 'NaN';
    return value > 0 ? 'Infinity' : '-Infinity';
  }
  return Array.isArray(value) ? value.map(jsonValue) : value;
}

const TYPE_NAMES = new Map<number, string>(
  Object.entries(types.builtins).map(([name, oid]) => [oid, name.toLowerCase()]),
);

/** Name of a built-in Postgres type by OID (`int4`, `timestamptz`…), `oid:<n>` for others. */
export function typeName(oid: number): string {
  return TYPE_NAMES.get(oid) ?? `oid:${oid}`;
}
