import { createJsonSchemaAjv } from '@toolgate/core';

import { toJsonSchema } from './openapi-schema.util';

describe('toJsonSchema', () => {
  it('declares required properties named like Object.prototype members', () => {
    const schema = toJsonSchema({
      type: 'object',
      properties: JSON.parse('{"__proto__": {"type": "integer"}}') as Record<string, unknown>,
      required: ['constructor', 'toString', '__proto__'],
    });
    const properties = schema.properties as Record<string, unknown>;
    expect(Object.keys(properties).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(properties, '__proto__')?.value).toEqual({ type: 'integer' });
    expect(Object.hasOwn(properties, 'constructor')).toBe(true);
    expect(createJsonSchemaAjv().compile(schema)).toBeInstanceOf(Function);
  });
});
