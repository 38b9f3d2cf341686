import { createJsonSchemaAjv } from './json-schema.util';
import { linearRegExp, unsupportedPatternReason } from './linear-regexp.util';

describe('linearRegExp (ajv code.regExp)', () => {
  it('matches catastrophic-backtracking patterns in linear time', () => {
    const validate = createJsonSchemaAjv().compile({
      type: 'object',
      properties: { s: { type: 'string', pattern: '^(a+)+$' } },
      patternProperties: { '^(x+x+)+y$': { type: 'number' } },
    });
    const started = performance.now();
    expect(validate({ s: `${'a'.repeat(28)}!` })).toBe(false);
    expect(validate({ s: 'a'.repeat(100_000) })).toBe(true);
    expect(validate({ [`${'x'.repeat(5_000)}`]: 'not checked: the name does not match' })).toBe(true);
    // The ECMAScript engine takes seconds on the first input alone.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reads the ECMAScript patterns schemas use', () => {
    const cases: [string, string, boolean][] = [
      ['^[a-zA-Z0-9_-]+$', 'hello_world-42', true],
      ['^\\d{4}-\\d{2}-\\d{2}$', '2024-05-17', true],
      ['^caf\\u00e9$', 'café', true],
      ['^[\\p{L} ]+$', 'Zoë Ünal', true],
      ['^[A-Z]{2}\\/\\d+$', 'DE/42', true],
      ['(?<year>\\d{4})', 'in 1999', true],
      ['^\\S+$', 'two words', false],
      ['\\bword\\b', 'swordfish', false],
      ['^.$', '😀', true],
    ];
    for (const [pattern, text, expected] of cases) {
      expect([pattern, linearRegExp(pattern, 'u').test(text)]).toEqual([pattern, expected]);
    }
  });

  it('names a pattern RE2 cannot compile, and why', () => {
    expect(unsupportedPatternReason('^[a-z]+$')).toBeUndefined();
    expect(unsupportedPatternReason('^(?!admin)')).toMatch(
      /^pattern "\^\(\?!admin\)" is not supported .*\(\?!/,
    );
    expect(unsupportedPatternReason('(\\w)\\1')).toMatch(/invalid escape sequence/);
    expect(unsupportedPatternReason('^.{0,5000}$')).toMatch(/invalid repeat count/);
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
