import { type CodePointRange, complementOf, propertyClass, rangesText } from './unicode-class.util';

/** ECMAScript's WhiteSpace and LineTerminator: what `\s` matches (RE2's `\s` is ASCII only). */
const SPACE: CodePointRange[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
/** ECMAScript's `.` (no `s` flag) stops at line terminators; RE2's stops at `\n` only. */
const DOT = `[^${rangesText([
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
])}]`;
const EVERYTHING = rangesText([[0, 0x10ffff]]);
const CONTROL_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d, '0': 0 };
const ALNUM = /^[A-Za-z0-9]$/;

/** A class atom: one code point (it may bound a range) or a set already written as RE2 class content. */
type ClassAtom = { codePoint: number } | { set: string };

const literal = (codePoint: number) => {
  const char = String.fromCodePoint(codePoint);
  return ALNUM.test(char) ? char : `\\x{${codePoint.toString(16)}}`;
};

/** Writes a pattern already known to be a valid `u`-mode ECMAScript pattern in RE2 syntax. */
class Translator {
  private pos = 0;

  constructor(private readonly source: string) {}

  translate(): string {
    let out = '';
    while (this.pos < this.source.length) out += this.term();
    return out;
  }

  private term(): string {
    const char = this.source[this.pos];
    if (char === '\\') return this.escape(false);
    if (char === '[') return this.charClass();
    if (char === '(') return this.group();
    this.pos += 1;
    if (char === '.') return DOT;
    if (char === '{') return this.quantifierBraces();
    if ('^$|)*+?'.includes(char)) return char;
    const codePoint = this.source.codePointAt(this.pos - 1) as number;
    if (codePoint > 0xffff) this.pos += 1;
    return literal(codePoint);
  }

  private quantifierBraces(): string {
    const end = this.source.indexOf('}', this.pos);
    const body = this.source.slice(this.pos, end + 1);
    this.pos = end + 1;
    return `{${body}`;
  }

  private group(): string {
    const rest = this.source.slice(this.pos, this.pos + 4);
    if (!rest.startsWith('(?')) {
      this.pos += 1;
      return '(';
    }
    if (rest.startsWith('(?:')) {
      this.pos += 3;
      return '(?:';
    }
    if (/^\(\?(?:[=!]|<[=!])/.test(rest)) {
      throw new Error(`lookaround ${rest.slice(0, rest[2] === '<' ? 4 : 3)} has no linear-time equivalent`);
    }
    if (rest.startsWith('(?<')) {
      // A named group: names only matter to backreferences, which are refused.
      this.pos = this.source.indexOf('>', this.pos) + 1;
      return '(';
    }
    throw new Error(`group ${rest.slice(0, 3)} is not supported`);
  }

  private escape(inClass: boolean): string {
    const atom = this.escapeAtom(inClass);
    return 'set' in atom ? atom.set : literal(atom.codePoint);
  }

  private escapeAtom(inClass: boolean): ClassAtom {
    const char = this.source[this.pos + 1];
    this.pos += 2;
    if ('dDwW'.includes(char)) return { set: `\\${char}` };
    if (char === 's' || char === 'S') {
      const text = rangesText(SPACE);
      if (inClass) return { set: char === 's' ? text : rangesText(complementOf(SPACE)) };
      return { set: char === 's' ? `[${text}]` : `[^${text}]` };
    }
    if (char === 'b') return inClass ? { codePoint: 0x08 } : { set: '\\b' };
    if (char === 'B') return { set: '\\B' };
    if (char === 'p' || char === 'P') return { set: this.property(char === 'P', inClass) };
    if (char === 'k' || /[1-9]/.test(char)) {
      throw new Error(`backreference \\${char} has no linear-time equivalent`);
    }
    return { codePoint: this.characterEscape(char) };
  }

  private characterEscape(char: string): number {
    if (char in CONTROL_ESCAPES) return CONTROL_ESCAPES[char];
    if (char === 'c') return this.source.charCodeAt(this.pos++) % 32;
    if (char === 'x') return this.hexDigits(2);
    if (char !== 'u') return this.source.codePointAt(this.pos - 1) as number;
    if (this.source[this.pos] === '{') {
      const end = this.source.indexOf('}', this.pos);
      const codePoint = parseInt(this.source.slice(this.pos + 1, end), 16);
      this.pos = end + 1;
      return codePoint;
    }
    const unit = this.hexDigits(4);
    const trail = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(this.source.slice(this.pos, this.pos + 6));
    if (unit < 0xd800 || unit > 0xdbff || !trail) return unit;
    // `\uD83D\uDE00` is one code point in `u` mode, not two lone surrogates.
    this.pos += 6;
    return 0x10000 + ((unit - 0xd800) << 10) + (parseInt(trail[1], 16) - 0xdc00);
  }

  private hexDigits(count: number): number {
    const value = parseInt(this.source.slice(this.pos, this.pos + count), 16);
    this.pos += count;
    return value;
  }

  private property(negated: boolean, inClass: boolean): string {
    const end = this.source.indexOf('}', this.pos);
    const body = this.source.slice(this.pos + 1, end);
    this.pos = end + 1;
    const resolved = propertyClass(body);
    if (typeof resolved === 'string') return `\\${negated ? 'P' : 'p'}{${resolved}}`;
    const ranges = negated ? complementOf(resolved) : resolved;
    return inClass ? rangesText(ranges) : `[${rangesText(ranges)}]`;
  }

  private charClass(): string {
    this.pos += 1;
    const negated = this.source[this.pos] === '^';
    if (negated) this.pos += 1;
    let items = '';
    while (this.source[this.pos] !== ']') {
      const first = this.classAtom();
      const dash = this.source[this.pos] === '-' && this.source[this.pos + 1] !== ']';
      if (!dash || !('codePoint' in first)) {
        items += 'set' in first ? first.set : literal(first.codePoint);
        continue;
      }
      this.pos += 1;
      const last = this.classAtom();
      if (!('codePoint' in last)) throw new Error('a class escape cannot end a range');
      items += `${literal(first.codePoint)}-${literal(last.codePoint)}`;
    }
    this.pos += 1;
    // RE2 has no empty class: `[]` never matches, `[^]` matches any code point.
    if (items === '') return negated ? `[${EVERYTHING}]` : `[^${EVERYTHING}]`;
    return `[${negated ? '^' : ''}${items}]`;
  }

  private classAtom(): ClassAtom {
    if (this.source[this.pos] === '\\') return this.escapeAtom(true);
    const codePoint = this.source.codePointAt(this.pos) as number;
    this.pos += codePoint > 0xffff ? 2 : 1;
    return { codePoint };
  }
}

/**
 * A JSON Schema `pattern` (ECMA-262, read as `new RegExp(pattern, 'u')`) written in RE2 syntax with the same
 * meaning: `\s`/`\S` as ECMAScript's Unicode white space, `.` stopping at `\r`, U+2028 and U+2029 too,
 * `\uD83D\uDE00` as one code point, property escapes by RE2's names. Throws (with the reason) on an invalid
 * pattern and on what RE2 cannot express: backreferences (`\1`, `\k<name>`) and lookaround.
 */
export function ecmaScriptToRe2(pattern: string): string {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    throw new Error(`not a valid ECMAScript regular expression: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return new Translator(pattern).translate();
}
