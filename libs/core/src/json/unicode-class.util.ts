/** An inclusive range of code points. */
export type CodePointRange = readonly [number, number];

/** ECMAScript's long General_Category names (and aliases) → the short names RE2 knows. */
const GENERAL_CATEGORIES = new Map(
  [
    'Other C Control Cc cntrl Cc Format Cf Unassigned Cn Private_Use Co Surrogate Cs Letter L Cased_Letter LC',
    'Lowercase_Letter Ll Modifier_Letter Lm Other_Letter Lo Titlecase_Letter Lt Uppercase_Letter Lu Mark M',
    'Combining_Mark M Spacing_Mark Mc Enclosing_Mark Me Nonspacing_Mark Mn Number N Decimal_Number Nd digit Nd',
    'Letter_Number Nl Other_Number No Punctuation P punct P Connector_Punctuation Pc Dash_Punctuation Pd',
    'Close_Punctuation Pe Final_Punctuation Pf Initial_Punctuation Pi Other_Punctuation Po Open_Punctuation Ps',
    'Symbol S Currency_Symbol Sc Modifier_Symbol Sk Math_Symbol Sm Other_Symbol So Separator Z',
    'Line_Separator Zl Paragraph_Separator Zp Space_Separator Zs',
  ]
    .join(' ')
    .split(' ')
    .flatMap((word, index, words) => (index % 2 === 0 ? [[word, words[index + 1]] as const] : [])),
);
/** Binary properties RE2 has no name for, as ranges. */
const RANGES = new Map<string, CodePointRange[]>([
  ['Any', [[0, 0x10ffff]]],
  ['ASCII', [[0, 0x7f]]],
]);

/** `ranges` as the content of an RE2 character class. */
export function rangesText(ranges: readonly CodePointRange[]): string {
  const hex = (codePoint: number) => `\\x{${codePoint.toString(16)}}`;
  return ranges.map(([low, high]) => (low === high ? hex(low) : `${hex(low)}-${hex(high)}`)).join('');
}

/** The code points of [0, 0x10FFFF] outside `ranges` (sorted, disjoint). */
export function complementOf(ranges: readonly CodePointRange[]): CodePointRange[] {
  const out: CodePointRange[] = [];
  let next = 0;
  for (const [low, high] of ranges) {
    if (low > next) out.push([next, low - 1]);
    next = high + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

/**
 * What the body of an ECMAScript `\p{…}` (already checked valid) means to RE2: the RE2 property name, or
 * ranges for those RE2 does not name. RE2's tables for General_Category values, scripts and the binary
 * properties it knows match those of the runtime's ECMAScript engine (checked code point by code point); a
 * name RE2 does not know fails to compile. Script_Extensions has no RE2 equivalent.
 */
export function propertyClass(body: string): string | CodePointRange[] {
  const [name, value] = body.includes('=') ? body.split('=') : [undefined, body];
  if (name === 'Script_Extensions' || name === 'scx') {
    throw new Error(`\\p{${body}} is not supported (Script_Extensions): use \\p{Script=…}`);
  }
  if (name === 'Script' || name === 'sc') return value;
  const ranges = name === undefined ? RANGES.get(value) : undefined;
  return ranges ?? GENERAL_CATEGORIES.get(value) ?? value;
}
