import { RE2JS } from 're2js';

import { ecmaScriptToRe2 } from './ecmascript-regexp.util';
import { createJsonSchemaAjv, schemaProblems } from './json-schema.util';
import {
  linearRegExp,
  MAX_MATCH_COST,
  matchUnits,
  PatternTextTooLongError,
  PatternTimeBudgetError,
  unsupportedPatternReason,
  withMatchBudget,
} from './linear-regexp.util';

describe('linearRegExp (ajv code.regExp)', () => {
  it('refuses patterns whose program is over the size budget, and accepts ordinary ones', () => {
    expect(unsupportedPatternReason('(a|aa){1000}$')).toMatch(
      /^pattern "\(a\|aa\)\{1000\}\$" is not supported: it compiles to 6003 instructions, more than 1000/,
    );
    expect(unsupportedPatternReason('^.{0,1000}$')).toMatch(/compiles to \d+ instructions/);
    for (const pattern of [
      '^[A-Za-z0-9._-]{1,64}$',
      '^[\\w.-]{1,255}$',
      '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      '^\\+?[1-9]\\d{1,14}$',
      '^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$',
    ]) {
      expect([pattern, unsupportedPatternReason(pattern)]).toEqual([pattern, undefined]);
    }
  });

  it('refuses, without matching, a text longer than the match budget allows', () => {
    const pattern = '^(?:\\p{L}?){400}$';
    const linear = linearRegExp(pattern, 'u');
    const error = (() => {
      try {
        linear.test('é'.repeat(1_000));
      } catch (caught) {
        return caught;
      }
    })() as PatternTextTooLongError;
    expect(error).toBeInstanceOf(PatternTextTooLongError);
    expect(error.maxLength).toBe(
      Math.floor(MAX_MATCH_COST / matchUnits(RE2JS.compile(ecmaScriptToRe2(pattern)))),
    );
    expect(error.message).toBe(
      `is too long to match against pattern "${pattern}" (at most ${error.maxLength} characters)`,
    );
    expect(linear.test('é'.repeat(error.maxLength))).toBe(true);
    expect(error.violationIn({ list: [{ note: 'é'.repeat(1_000) }] })).toEqual({
      pointer: '/list/0/note',
      detail: error.message,
    });
  });

  it('stops a validation that has spent its time budget on matches, and only inside one', () => {
    const validate = createJsonSchemaAjv().compile({
      type: 'array',
      items: { type: 'string', pattern: '^[a-z]+$' },
    });
    const items = Array.from({ length: 200 }, () => 'abc');
    const clock = jest.spyOn(performance, 'now');
    try {
      let now = 0;
      clock.mockImplementation(() => (now += 1)); // each match takes 1 ms
      expect(() => withMatchBudget(() => validate(items))).toThrow(PatternTimeBudgetError);
      now = 0;
      expect(withMatchBudget(() => validate(items.slice(0, 50)))).toBe(true);
      expect(validate(items)).toBe(true); // outside a validation: no budget
    } finally {
      clock.mockRestore();
    }
  });

  it('charges a character by program size, scaled up by the character classes the program tells apart', () => {
    const units = (pattern: string) => matchUnits(RE2JS.compile(ecmaScriptToRe2(pattern)));
    // Program sizes 131 and 40, a handful of classes: barely above the size.
    expect(units('^[A-Za-z0-9._-]{1,64}$')).toBeGreaterThan(131);
    expect(units('^[A-Za-z0-9._-]{1,64}$')).toBeLessThan(140);
    expect(units('^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')).toBeLessThan(45);
    // `\p{L}` alone splits the code points into more than a thousand classes (size 6).
    expect(units('^[\\p{L} ]+$')).toBeGreaterThan(18);
    expect(units('^(?:\\p{L}?){400}$')).toBeGreaterThan(2 * units('^(?:a?){400}$'));
  });

  it('matches catastrophic-backtracking patterns in linear time', () => {
    const validate = createJsonSchemaAjv().compile({
      type: 'object',
      properties: { s: { type: 'string', pattern: '^(a+)+$' } },
      patternProperties: { '^(x+x+)+y$': { type: 'number' } },
    });
    const started = performance.now();
    expect(validate({ s: `${'a'.repeat(40)}!` })).toBe(false);
    expect(validate({ s: 'a'.repeat(10_000) })).toBe(true);
    expect(validate({ [`${'x'.repeat(5_000)}`]: 'not checked: the name does not match' })).toBe(true);
    // The ECMAScript engine would take hours on the first input alone.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('is refused at registration like any other unusable pattern', () => {
    const ajv = createJsonSchemaAjv();
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '(a|aa){1000}$' } } };
    expect(schemaProblems(ajv, schema)).toEqual([
      { pointer: '/properties/s/pattern', detail: expect.stringMatching(/compiles to 6003 instructions/) },
    ]);
  });

  it('keeps the formats of ajv-formats working', () => {
    const validate = createJsonSchemaAjv().compile({
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        when: { type: 'string', format: 'date-time' },
        id: { type: 'string', format: 'uuid' },
        re: { type: 'string', format: 'regex' },
      },
    });
    const good = {
      email: 'a@example.com',
      when: '2024-05-17T10:00:00Z',
      id: '6f1c2b1e-1d2a-4e3b-9c4d-5e6f7a8b9c0d',
      re: '^a+$',
    };
    expect(validate(good)).toBe(true);
    for (const [key, bad] of Object.entries({ email: 'nope', when: 'yesterday', id: 'x', re: '(' })) {
      expect([key, validate({ ...good, [key]: bad })]).toEqual([key, false]);
    }
  });
});
