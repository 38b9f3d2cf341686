import { linearRegExp, unsupportedPatternReason } from './linear-regexp.util';

const NBSP = '\u00a0';
const LS = '\u2028';
const PS = '\u2029';
const EMOJI = '😀';
const INPUTS = [
  '',
  'a',
  'A',
  'ab',
  'a b',
  'a\tb',
  'a\rb',
  'a\nb',
  `a${LS}b`,
  `a${PS}b`,
  `a${NBSP}b`,
  'a\u000bb',
  'a\ufeffb',
  'a\u3000b',
  'a\u2000b',
  'a\u180eb',
  'x\n',
  '\r',
  '\n',
  LS,
  NBSP,
  ' ',
  EMOJI,
  `x${EMOJI}y`,
  '😃',
  '🙏',
  '𝒜',
  '\ud83d',
  '\ude00',
  'é',
  'É',
  'Zoë',
  'α',
  '٣',
  '42',
  '2024-05-17',
  'k<q>',
  '"x"',
  "'x'",
  '-',
  ']',
  '\\',
  '/',
  '\b',
  '\u0000',
  'word swordfish',
  'a@example.com',
  'DE/42',
];
const PATTERNS = [
  // White space and its complement, inside and outside classes, negated or not.
  '^\\s$',
  '\\s',
  '^\\S+$',
  '^[\\s]$',
  '^[^\\s]+$',
  '^[\\S]+$',
  '^[^\\S]$',
  '^[\\s\\d]+$',
  '^[^\\sa]+$',
  '^[\\S\\s]+$',
  // Dot and line terminators; anchors without the m flag.
  '^.$',
  '^.+$',
  '.',
  '^a$',
  'b$',
  '^[^a]$',
  '^[^]$',
  '^[]$',
  '[^]',
  '^a.b$',
  // Surrogate pairs written as escapes, alone, in classes and in ranges; astral literals and \u{…}.
  '^\\uD83D\\uDE00$',
  '^[\\uD83D\\uDE00]$',
  '^[\\uD83D\\uDE00-\\uD83D\\uDE4F]+$',
  '^\\ud83d$',
  '^[\\uD800-\\uDBFF]$',
  '^\\u{1F600}$',
  '^[\\u{1F600}-\\u{1F64F}]$',
  `^${EMOJI}$`,
  `^[${EMOJI}a]+$`,
  '^\\uD835\\uDC9C$',
  // Unicode properties, short and long names, scripts, binary properties.
  '^\\p{L}+$',
  '^\\P{L}$',
  '^[\\p{L} ]+$',
  '^\\p{Lu}$',
  '^\\p{Letter}+$',
  '^\\p{General_Category=Lu}$',
  '^\\p{gc=Nd}+$',
  '^\\p{Script=Greek}$',
  '^\\p{sc=Greek}$',
  '^\\p{ASCII}+$',
  '^\\P{ASCII}$',
  '^[\\P{Any}a]$',
  '^\\p{Any}$',
  '^\\p{Emoji}$',
  '^\\p{White_Space}$',
  '^[^\\p{L}\\p{N}]$',
  '^\\p{LC}$',
  '^\\p{punct}+$',
  '^\\p{Decimal_Number}$',
  '^\\P{Separator}+$',
  // Escapes and classes.
  '^\\d+$',
  '^\\D$',
  '^\\w+$',
  '^\\W$',
  '\\bword\\b',
  '\\Bord',
  '^[\\b]$',
  '^\\0$',
  '^\\cJ$',
  '^[\\cA-\\cZ]$',
  '^\\x41$',
  '^\\u0041$',
  '^[\\-a]+$',
  '^[a-]+$',
  '^[-a]+$',
  '^[a-c-e]+$',
  '^[\\]\\\\]+$',
  '^\\/$',
  '^\\.$',
  '^[.]$',
  '^[$^]+$',
  '^[[]$',
  '^\\$$',
  '^\\^$',
  '^[\\^a]$',
  '^[A-Z]{2}\\/\\d+$',
  '^caf\\u00e9$',
  // Groups, alternation, quantifiers.
  '(?<year>\\d{4})',
  '^(?:a|b)+$',
  '^(a|ab)(c|bcd)?$',
  '^a{2}$',
  '^a{1,}$',
  '^a{0,2}?$',
  '^(?:ab)*?$',
  'x*',
  '',
  '^$',
  'a|',
  '()',
  `^\ud83d\\uDE00$`,
  "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*$",
  '^\\d{4}-\\d{2}-\\d{2}$',
];

describe('ECMAScript patterns matched by RE2 (ecmaScriptToRe2 through linearRegExp)', () => {
  it('matches exactly what ECMAScript `new RegExp(pattern, "u")` matches', () => {
    const differences: string[] = [];
    for (const pattern of PATTERNS) {
      const native = new RegExp(pattern, 'u');
      const linear = linearRegExp(pattern, 'u');
      for (const text of INPUTS) {
        if (native.test(text) !== linear.test(text)) {
          differences.push(`${JSON.stringify(pattern)} on ${JSON.stringify(text)}: ${native.test(text)}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it('reads \\s, \\S and . as ECMAScript does over the whole Basic Multilingual Plane', () => {
    const differences: string[] = [];
    for (const pattern of [
      '^\\s$',
      '^\\S$',
      '^[^\\s]$',
      '^[\\S]$',
      '^.$',
      '^\\p{L}$',
      '^\\p{Script=Greek}$',
    ]) {
      const native = new RegExp(pattern, 'u');
      const linear = linearRegExp(pattern, 'u');
      for (let codePoint = 0; codePoint <= 0xffff; codePoint += 1) {
        const text = String.fromCharCode(codePoint);
        if (native.test(text) !== linear.test(text))
          differences.push(`${pattern} U+${codePoint.toString(16)}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('refuses, naming the construct, what has no linear-time equivalent or is not ECMAScript', () => {
    const cases: [string, RegExp][] = [
      ['^(?!admin)', /^pattern "\^\(\?!admin\)" is not supported: lookaround \(\?! /],
      ['(?<=a)b', /lookaround \(\?<= /],
      ['^\\d+(?=x)', /lookaround \(\?= /],
      ['(\\w)\\1', /backreference \\1 /],
      ['^(?<q>[\'"])x\\k<q>$', /backreference \\k /],
      ['^\\p{Script_Extensions=Greek}$', /Script_Extensions/],
      ['^\\p{sc=Latn}$', /invalid character class range: `\\p\{Latn\}`/],
      ['^.{0,5000}$', /invalid repeat count/],
      ['(?i)a', /not a valid ECMAScript regular expression/],
      ['^[[:alpha:]]$', /not a valid ECMAScript regular expression/],
      ['^\\pL$', /not a valid ECMAScript regular expression/],
      ['^\\z$', /not a valid ECMAScript regular expression/],
    ];
    for (const [pattern, reason] of cases) {
      expect([pattern, unsupportedPatternReason(pattern)]).toEqual([pattern, expect.stringMatching(reason)]);
    }
    expect(unsupportedPatternReason('^[a-z]+$')).toBeUndefined();
  });
});
