import { createJsonSchemaAjv, schemaProblems } from '@toolgate/core';
import { makeCatalogManifest, makeManifestRow } from '@toolgate/testing';

import { CatalogService } from './catalog.service';
import { type ManifestStore } from './manifest-store.service';
import { SchemaValidatorService } from './schema-validator.service';

const inputs = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 5 },
    count: { type: 'integer', minimum: 1 },
    email: { type: 'string', format: 'email' },
    items: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
    },
    'odd/key': { type: 'boolean' },
  },
  required: ['name', 'count'],
  additionalProperties: false,
};

function setup(rows = [makeManifestRow({ toolId: 'test:thing', inputs })]) {
  const store = { loadActive: jest.fn(async () => rows) } as unknown as ManifestStore;
  const catalog = new CatalogService(store);
  return { catalog, validator: new SchemaValidatorService(catalog), store };
}

describe('SchemaValidatorService', () => {
  it('returns every violation with the JSON pointer of the offending value', () => {
    const { validator } = setup();
    const manifest = makeCatalogManifest({ toolId: 'test:thing', inputs });
    const violations = validator.validate(manifest, {
      name: 'far too long',
      email: 'not-an-email',
      items: [{ id: 1 }, { id: 'two' }, {}],
      'odd/key': 'yes',
      extra: 1,
    });
    expect(violations.map((violation) => violation.pointer).sort()).toEqual(
      ['/count', '/email', '/extra', '/items/1/id', '/items/2/id', '/name', '/odd~1key'].sort(),
    );
    expect(violations.find((v) => v.pointer === '/name')?.detail).toMatch(/must NOT have more than 5/);
  });

  it('accepts valid input and throws a 422 listing violations from assertValid', () => {
    const { validator } = setup();
    const manifest = makeCatalogManifest({ toolId: 'test:thing', inputs });
    expect(validator.validate(manifest, { name: 'ok', count: 2 })).toEqual([]);
    expect(() => validator.assertValid(manifest, { name: 'ok' })).toThrow(
      expect.objectContaining({ status: 422, errors: [{ pointer: '/count', detail: expect.any(String) }] }),
    );
  });

  it('compiles once per manifest version and drops versions that left the catalog', async () => {
    const { validator, catalog, store } = setup();
    const v1 = makeCatalogManifest({ toolId: 'test:thing', inputs, version: 1 });
    validator.validate(v1, {});
    validator.validate(v1, { name: 'a', count: 1 });
    expect(validator.size).toBe(1);
    const v2 = makeCatalogManifest({
      toolId: 'test:thing',
      inputs: { type: 'object', $id: 'https://schemas.example.com/thing.json' },
      version: 2,
    });
    expect(validator.validate(v2, { anything: true })).toEqual([]);
    expect(validator.size).toBe(2);
    (store.loadActive as jest.Mock).mockResolvedValue([makeManifestRow({ toolId: 'test:thing', inputs }, 2)]);
    await catalog.reload();
    expect(validator.size).toBe(1);
    const v3 = makeCatalogManifest({
      toolId: 'test:thing',
      inputs: { type: 'object', $id: 'https://schemas.example.com/thing.json' },
      version: 3,
    });
    expect(validator.validate(v3, {})).toEqual([]);
    // Another tenant's manifest reusing the same `$id` while v3 is cached still compiles.
    const other = makeCatalogManifest({
      toolId: 'test:thing',
      tenant: 'acme',
      inputs: {
        type: 'object',
        $id: 'https://schemas.example.com/thing.json',
        properties: { a: { type: 'string' } },
        required: ['a'],
      },
    });
    expect(validator.validate(other, {})).toEqual([
      { pointer: '/a', detail: "must have required property 'a'" },
    ]);
  });
});

describe('schemaProblems (ajv strict)', () => {
  const ajv = createJsonSchemaAjv();

  it('accepts a sound schema', () => {
    expect(schemaProblems(ajv, inputs, '/inputs')).toEqual([]);
  });

  it('lists meta-schema violations with pointers into the schema', () => {
    const problems = schemaProblems(
      ajv,
      { type: 'object', properties: { a: { type: 'strnig' } }, required: 'a' },
      '/inputs',
    );
    expect(problems.map((problem) => problem.pointer)).toEqual(
      expect.arrayContaining(['/inputs/properties/a/type', '/inputs/required']),
    );
  });

  it('refuses what only strict mode catches (unknown keyword)', () => {
    const problems = schemaProblems(ajv, { type: 'object', properties: {}, colour: 'red' }, '/inputs');
    expect(problems).toEqual([
      { pointer: '/inputs', detail: expect.stringContaining('unknown keyword: "colour"') },
    ]);
  });

  it('refuses a non-object schema', () => {
    expect(schemaProblems(ajv, 'string', '/outputs')).toEqual([
      { pointer: '/outputs', detail: 'must be a JSON Schema object' },
    ]);
  });
});
