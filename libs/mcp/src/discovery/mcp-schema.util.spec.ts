import type * as Core from '@toolgate/core';
import { createJsonSchemaAjv, schemaProblems } from '@toolgate/core';

import { sanitizeInputSchema } from './mcp-schema.util';

const compiles = (schema: Record<string, unknown>) =>
  schemaProblems(createJsonSchemaAjv(), schema).length === 0;

describe('sanitizeInputSchema', () => {
  it('keeps a schema that compiles under strict ajv (only $schema is dropped)', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { a: { type: 'number' } },
      required: ['a'],
    };
    expect(sanitizeInputSchema(schema)).toEqual({
      schema: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
      changes: [],
    });
  });

  it('relaxes what strict mode refuses, keeping the rest of the validation', () => {
    const { schema, changes } = sanitizeInputSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        when: { type: 'string', format: 'x-custom-date' },
        size: { minimum: 1 },
        tags: { type: 'array', items: { type: 'string', 'x-ui': 'chips' } },
      },
      required: ['when', 'ghost'],
      'x-vendor': true,
    });
    expect(compiles(schema)).toBe(true);
    expect(schema).toMatchObject({
      properties: { when: { type: 'string' }, size: { type: 'number', minimum: 1 }, ghost: {} },
      required: ['when', 'ghost'],
    });
    expect(JSON.stringify(schema)).not.toMatch(/x-vendor|x-ui|x-custom-date/);
    expect(changes).toEqual(
      expect.arrayContaining([
        '#: dropped "x-vendor"',
        '#/properties/when: dropped unknown format "x-custom-date"',
        '#/properties/size: added type "number"',
        '#: declared required ghost',
      ]),
    );
  });

  it('drops ids (global to the gateway) and patterns the linear-time engine refuses, keeping the rest', () => {
    const { schema, changes } = sanitizeInputSchema({
      $id: 'https://upstream.example/tool.json',
      type: 'object',
      properties: {
        slug: { type: 'string', pattern: '^(?!admin)[a-z]+$' },
        code: { $id: 'https://upstream.example/code', type: 'string', pattern: '^[A-Z]{3}$' },
        costly: { type: 'string', pattern: '(a|aa){1000}$' },
      },
    });
    expect(schema).toEqual({
      type: 'object',
      properties: {
        slug: { type: 'string' },
        code: { type: 'string', pattern: '^[A-Z]{3}$' },
        costly: { type: 'string' },
      },
    });
    expect(compiles(schema)).toBe(true);
    expect(changes).toEqual(
      expect.arrayContaining([
        '#: dropped "$id"',
        '#/properties/code: dropped "$id"',
        expect.stringMatching(
          /^#\/properties\/slug: dropped pattern "\^\(\?!admin\)\[a-z\]\+\$" is not supported/,
        ),
        expect.stringMatching(/^#\/properties\/costly: dropped pattern .* compiles to 6003 instructions/),
      ]),
    );
  });

  it('accepts any object for a schema nested too deep to check, without overflowing the stack', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < 20_000; level++) deep = { type: 'object', properties: { a: deep } };
    const { schema, changes } = sanitizeInputSchema(deep);
    expect(schema).toEqual({ type: 'object' });
    expect(changes).toEqual([expect.stringMatching(/^#(\/properties\/a)+: nests deeper than 128 levels/)]);
  });

  it('falls back to any object when nothing else compiles, or for a non-object schema', () => {
    expect(sanitizeInputSchema({ type: 'object', properties: { a: { $ref: '#/nowhere' } } }).schema).toEqual({
      type: 'object',
    });
    expect(sanitizeInputSchema({ type: 'string' }).schema).toEqual({ type: 'object' });
    expect(sanitizeInputSchema(undefined).schema).toEqual({ type: 'object' });
  });

  it('checks the schemas of every tool with one shared ajv', () => {
    let created = 0;
    jest.isolateModules(() => {
      jest.doMock('@toolgate/core', () => {
        const core = jest.requireActual<typeof Core>('@toolgate/core');
        return { ...core, createJsonSchemaAjv: () => (created++, core.createJsonSchemaAjv()) };
      });
      const isolated = jest.requireActual<{ sanitizeInputSchema: typeof sanitizeInputSchema }>(
        './mcp-schema.util',
      );
      const schema = (n: number) => ({
        type: 'object',
        properties: { [`p${n}`]: { type: 'string', pattern: '^a+$' } },
      });
      for (let n = 0; n < 20; n += 1) expect(isolated.sanitizeInputSchema(schema(n)).changes).toEqual([]);
      expect(
        isolated.sanitizeInputSchema({ type: 'object', properties: { p0: { $ref: '#/x' } } }).schema,
      ).toEqual({
        type: 'object',
      });
    });
    expect(created).toBe(1);
  });
});
