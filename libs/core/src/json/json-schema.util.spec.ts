import { createJsonSchemaAjv } from './json-schema.util';

describe('createJsonSchemaAjv', () => {
  it('sees only own members: inherited names are neither present nor values', () => {
    const validate = createJsonSchemaAjv().compile({
      type: 'object',
      properties: { query: { type: 'object', properties: { constructor: { type: 'string' } } } },
      required: ['query'],
    });
    expect(validate({ query: {} })).toBe(true);
    const needsIt = createJsonSchemaAjv().compile({
      type: 'object',
      properties: { constructor: { type: 'string' }, toString: { type: 'string' } },
      required: ['constructor', 'toString'],
    });
    expect(needsIt({})).toBe(false);
    expect(needsIt.errors?.map((error) => error.params)).toEqual([
      { missingProperty: 'constructor' },
      { missingProperty: 'toString' },
    ]);
    expect(needsIt(JSON.parse('{"constructor":"x","toString":"y"}'))).toBe(true);
  });
});
