/** True when a pattern contains a `*` wildcard (matches any run of characters, including none). */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One anchored regular expression source matching any of the given literals or `*` globs. */
export function globsToRegExpSource(patterns: readonly string[]): string {
  const alternatives = patterns.map((pattern) => pattern.split('*').map(escapeRegExp).join('.*'));
  return `^(?:${alternatives.join('|')})$`;
}
