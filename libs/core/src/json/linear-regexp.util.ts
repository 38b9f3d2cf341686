import { type Options } from 'ajv';
import { RE2JS } from 're2js';

import { type ProblemViolation } from '../errors/problem.types';
import { ecmaScriptToRe2 } from './ecmascript-regexp.util';
import { pointerOfText } from './text-pointer.util';

type RegExpEngine = NonNullable<NonNullable<Options['code']>['regExp']>;

/**
 * The largest compiled RE2 program a pattern may have. Matching time is linear in the text but grows with
 * the program: ordinary patterns (emails, UUIDs, dates, phone numbers, `^[A-Za-z0-9._-]{1,64}$`) compile to
 * 6-550 instructions; `(a|aa){1000}$` compiles to 6,003 and takes seconds on 10,000 characters.
 */
export const MAX_PATTERN_PROGRAM_SIZE = 1_000;

/**
 * The most work one match may do, as text length × the pattern's `matchUnits`: about 25 ms on the slowest
 * patterns measured (a 1,000-instruction program on 150 characters).
 */
export const MAX_MATCH_COST = 150_000;

/**
 * What one character of text may cost a pattern: its program size, scaled up by the character classes its
 * DFA tells apart (each new DFA state allocates a table of them; `\p{L}` alone makes 1,371). A UUID pattern
 * costs 41 units (texts up to 3,685 characters), `^[A-Za-z0-9._-]{1,64}$` 134 (1,120), `^[\p{L} ]+$` 22
 * (6,797); a 1,000-instruction program 1,000 to 4,000 (150 to 37 characters).
 */
export function matchUnits(re2: RE2JS): number {
  const classes = re2.re2().dfa.numClasses;
  return re2.programSize() * (1 + (Number.isFinite(classes) ? classes : 4_096) / 512);
}

/** Thrown by a match the engine refuses to run: the text is longer than the pattern's budget allows. */
export class PatternTextTooLongError extends Error {
  constructor(
    readonly pattern: string,
    readonly text: string,
    readonly maxLength: number,
  ) {
    // Worded like ajv's own `must match pattern "…"`.
    super(`is too long to match against pattern "${pattern}" (at most ${maxLength} characters)`);
  }

  /** The violation, at the pointer of the first member name or string in `input` that is the text. */
  violationIn(input: unknown): ProblemViolation {
    return { pointer: pointerOfText(input, this.text) ?? '', detail: this.message };
  }
}

/**
 * The most time one validation may spend matching patterns. Each match is bounded (`MAX_MATCH_COST`), but
 * a body of many strings is not: a megabyte of letters against `^[\p{L} ]+$` takes about 200 ms. Past
 * this, the next match is refused (`PatternTimeBudgetError`); ordinary arguments need microseconds.
 */
export const MAX_VALIDATION_MATCH_MS = 100;

/** When the running validation's pattern matching must stop (`performance.now()` time); none outside one. */
let matchDeadline = Number.POSITIVE_INFINITY;

/** Thrown by a match after the running validation spent `MAX_VALIDATION_MATCH_MS` matching patterns. */
export class PatternTimeBudgetError extends Error {
  constructor() {
    super(
      `the arguments take more than ${MAX_VALIDATION_MATCH_MS} ms to match against the schema's patterns; ` +
        'send fewer or shorter strings',
    );
  }
}

/** Runs one synchronous validation with its pattern matching bounded by `MAX_VALIDATION_MATCH_MS`. */
export function withMatchBudget<T>(validation: () => T): T {
  const outer = matchDeadline;
  matchDeadline = performance.now() + MAX_VALIDATION_MATCH_MS;
  try {
    return validation();
  } finally {
    matchDeadline = outer;
  }
}

/** A compiled pattern as ajv uses it: `test` searches in linear time, within `MAX_MATCH_COST`. */
class LinearPattern {
  private readonly maxLength: number;

  constructor(
    private readonly source: string,
    private readonly re2: RE2JS,
  ) {
    this.maxLength = Math.floor(MAX_MATCH_COST / matchUnits(re2));
  }

  test(text: string): boolean {
    if (text.length > this.maxLength) throw new PatternTextTooLongError(this.source, text, this.maxLength);
    if (matchDeadline !== Number.POSITIVE_INFINITY && performance.now() > matchDeadline)
      throw new PatternTimeBudgetError();
    return this.re2.test(text);
  }

  /** ajv keys compiled patterns by this. */
  toString(): string {
    return `/${this.source}/u`;
  }
}

/** Compiles a JSON Schema `pattern` (ECMAScript syntax) to RE2, refusing programs over the size budget. */
function compileLinear(pattern: string): LinearPattern {
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(ecmaScriptToRe2(pattern));
  } catch (error) {
    throw new Error(`pattern ${JSON.stringify(pattern)} is not supported: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const size = re2.programSize();
  if (size > MAX_PATTERN_PROGRAM_SIZE) {
    throw new Error(
      `pattern ${JSON.stringify(pattern)} is not supported: it compiles to ${size} instructions, more than ` +
        `${MAX_PATTERN_PROGRAM_SIZE} (matching cost grows with it; use smaller repeat counts or maxLength)`,
    );
  }
  return new LinearPattern(pattern, re2);
}

/**
 * The regular-expression engine of the catalog's ajv (`code.regExp`): `pattern` and `patternProperties`
 * keep their ECMAScript (`u` flag) meaning but match with RE2, in time linear in the text, so no schema can
 * stall the event loop (ReDoS). Patterns with backreferences or lookaround, repeat counts over 1000 or a
 * program over `MAX_PATTERN_PROGRAM_SIZE` fail to compile; a text longer than the pattern's share of
 * `MAX_MATCH_COST` is not matched: `test` throws `PatternTextTooLongError`.
 */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string) => compileLinear(pattern), {
  // Only read when ajv generates standalone code, which the gateway never does.
  code: 'linearRegExp',
});

/** Why `pattern` cannot be used by the catalog's engine, or undefined when it can. */
export function unsupportedPatternReason(pattern: string): string | undefined {
  try {
    compileLinear(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
