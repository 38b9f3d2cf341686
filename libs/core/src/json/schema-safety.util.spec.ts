import { createJsonSchemaAjv, schemaProblems } from './json-schema.util';
import { declaresSchemaId, schemaSafetyProblems } from './schema-safety.util';

describe('schemaSafetyProblems', () => {
  it('accepts ordinary and recursive-with-progress schemas', () => {
    expect(
      schemaSafetyProblems({ type: 'object', properties: { a: { type: 'string', pattern: '^a+$' } } }),
    ).toEqual([]);
    expect(
      schemaSafetyProblems({
        type: 'object',
        properties: { child: { $ref: '#' }, list: { type: 'array', items: { $ref: '#/definitions/node' } } },
        definitions: { node: { type: 'object', properties: { next: { $ref: '#/definitions/node' } } } },
      }),
    ).toEqual([]);
  });

  it('refuses $id anywhere, with its pointer (a property named "$id" is fine)', () => {
    const schema = {
      $id: 'https://example.com/a.json#',
      type: 'object',
      properties: { $id: { type: 'string' }, p: { $id: 'https://example.com/p', type: 'string' } },
    };
    expect(schemaSafetyProblems(schema, '/inputs').map((problem) => problem.pointer)).toEqual([
      '/inputs/$id',
      '/inputs/properties/p/$id',
    ]);
    expect(declaresSchemaId(schema)).toBe(true);
    expect(declaresSchemaId({ type: 'object', properties: { $id: { type: 'string' } } })).toBe(false);
  });

  it('refuses patterns and patternProperties names the linear-time engine cannot compile', () => {
    const problems = schemaSafetyProblems({
      type: 'object',
      properties: { s: { type: 'string', pattern: '^(?=x)' } },
      patternProperties: { '(a)\\1': {} },
    });
    expect(problems).toEqual([
      {
        pointer: '/patternProperties/(a)\\1',
        detail: expect.stringContaining('pattern "(a)\\\\1" is not supported'),
      },
      {
        pointer: '/properties/s/pattern',
        detail: expect.stringContaining('pattern "^(?=x)" is not supported'),
      },
    ]);
  });

  it.each([
    [{ $ref: '#' }, '/$ref'],
    [{ allOf: [{ $ref: '#' }] }, '/allOf/0/$ref'],
    [
      {
        definitions: { a: { $ref: '#/definitions/b' }, b: { anyOf: [{ $ref: '#/definitions/a' }] } },
        $ref: '#/definitions/a',
      },
      '/definitions/b/anyOf/0/$ref',
    ],
    [{ type: 'object', properties: { p: { not: { $ref: '#/properties/p' } } } }, '/properties/p/not/$ref'],
  ])('refuses a $ref that leads back without descending: %j', (schema, pointer) => {
    expect(schemaSafetyProblems(schema)).toEqual([
      { pointer, detail: 'leads back to a schema applied to the same value: validation would never end' },
    ]);
  });
});

describe('schemaProblems (safety and depth)', () => {
  const ajv = createJsonSchemaAjv();

  it('refuses what would break validation at invoke time', () => {
    expect(schemaProblems(ajv, { $ref: '#' }, '/inputs')).toEqual([
      { pointer: '/inputs/$ref', detail: expect.stringContaining('never end') },
    ]);
    expect(schemaProblems(ajv, { type: 'object', $id: 'https://example.com/x' }, '/inputs')).toEqual([
      { pointer: '/inputs/$id', detail: expect.stringContaining('not allowed') },
    ]);
  });

  it('refuses a schema nested deeper than MAX_SCHEMA_DEPTH without overflowing the stack', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < 10_000; level++) schema = { type: 'array', items: schema };
    expect(schemaProblems(ajv, schema, '/inputs')).toEqual([
      {
        pointer: expect.stringMatching(/^\/inputs(\/items)+$/),
        detail: 'nests deeper than 128 levels of objects and arrays',
      },
    ]);
  });
});
