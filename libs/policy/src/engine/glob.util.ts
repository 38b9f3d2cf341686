/** True when a pattern contains a `*` wildcard (matches any run of characters, including none). */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One anchored regular expression source matching any of the given literals or `*` globs. A `*` is
 * `[\s\S]*`, not `.*`: `.` stops at line terminators (U+2028, U+2029 are printable and allowed in
 * subjects), and a wildcard that skipped them would let a deny rule be sidestepped.
 */
export function globsToRegExpSource(patterns: readonly string[]): string {
  const alternatives = patterns.map((pattern) => pattern.split('*').map(escapeRegExp).join('[\\s\\S]*'));
  return `^(?:${alternatives.join('|')})$`;
}
