// Postgres refuses NUL in text and jsonb, and lone UTF-16 surrogates in jsonb.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** True when Postgres cannot store `value` as text or jsonb: it holds a NUL or a lone surrogate. */
export function hasUnstorableText(value: string): boolean {
  return UNSTORABLE.test(value);
}

/**
 * `value` with each NUL and lone surrogate replaced by U+FFFD, and cut to `max` UTF-16 units with a
 * `…[n more]` suffix (never inside a surrogate pair, which would leave a lone surrogate).
 */
export function storableText(value: string, max = Infinity): string {
  const clean = UNSTORABLE.test(value) ? value.replace(UNSTORABLE_ALL, '\ufffd') : value;
  if (clean.length <= max) return clean;
  const code = clean.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${clean.slice(0, end)}…[${clean.length - end} more]`;
}

/** `name`, or `name#2`, `name#3`… : the first of them not in `taken` (which it joins). */
export function uniqueName(name: string, taken: Set<string>): string {
  let unique = name;
  for (let n = 2; taken.has(unique); n += 1) unique = `${name}#${n}`;
  taken.add(unique);
  return unique;
}

/**
 * The storable names of an object's members, as `[name, original key]` pairs sorted by name (the order
 * `canonicalJson` writes them in). Each name is `storableText(key, max)`; when rewriting makes names equal,
 * the key that sorts first keeps the name and the others get `#2`, `#3`… so no member is lost. The result
 * depends only on the set of keys.
 */
export function storableKeys(keys: readonly string[], max = Infinity): [string, string][] {
  const sorted = [...keys].sort();
  const names = sorted.map((key) => storableText(key, max));
  const rewritten = names.some((name, index) => name !== sorted[index]);
  if (!rewritten) return sorted.map((key) => [key, key]);
  const taken = new Set<string>();
  const pairs: [string, string][] = [];
  // Names left as they were first, so a rewritten key never takes the name of an untouched one.
  names.forEach(
    (name, index) => name === sorted[index] && pairs.push([uniqueName(name, taken), sorted[index]]),
  );
  names.forEach(
    (name, index) => name !== sorted[index] && pairs.push([uniqueName(name, taken), sorted[index]]),
  );
  return pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
