import { createJsonSchemaAjv, MAX_ARGUMENT_DEPTH, schemaProblems } from '@toolgate/core';
import { makeCatalogManifest, makeManifestRow } from '@toolgate/testing';

import { CatalogService } from '../catalog.service';
import { type ManifestStore } from '../store/manifest-store.service';
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

describe('SchemaValidatorService: hostile schemas and arguments', () => {
  const make = (toolId: string, schema: Record<string, unknown>, tenant = 'acme') =>
    makeCatalogManifest({ toolId, tenant, inputs: schema });

  it('refuses arguments nested deeper than MAX_ARGUMENT_DEPTH with a 422 before validating', () => {
    const { validator } = setup();
    const free = make('test:free', { type: 'object' });
    const deep = JSON.parse(`{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect(() => validator.assertValid(free, deep)).toThrow(
      expect.objectContaining({
        status: 422,
        errors: [
          {
            pointer: `/a${'/0'.repeat(MAX_ARGUMENT_DEPTH - 1)}`,
            detail: `nests deeper than ${MAX_ARGUMENT_DEPTH} levels of objects and arrays`,
          },
        ],
      }),
    );
    const tree = make('test:tree', { type: 'object', properties: { child: { $ref: '#' } } });
    const nested = JSON.parse(`${'{"child":'.repeat(12_000)}{}${'}'.repeat(12_000)}`);
    expect(validator.validate(tree, nested)).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/deeper/) }),
    ]);
    const fine = JSON.parse(
      `${'{"child":'.repeat(MAX_ARGUMENT_DEPTH - 1)}{}${'}'.repeat(MAX_ARGUMENT_DEPTH - 1)}`,
    );
    expect(validator.validate(tree, fine)).toEqual([]);
  });

  it("keeps one schema's $id from affecting another tenant's schema", () => {
    const { validator } = setup();
    const nested = make('test:a', {
      type: 'object',
      properties: { p: { $id: 'https://ex.com/x', type: 'string' } },
    });
    const top = make(
      'test:b',
      { $id: 'https://ex.com/x', type: 'object', properties: { q: {} }, required: ['q'] },
      'globex',
    );
    const hashed = make('test:c', { $id: 'https://ex.com/x#', type: 'object' }, 'initech');
    for (let round = 0; round < 2; round++) {
      expect(validator.validate(nested, { p: 1 })).toEqual([{ pointer: '/p', detail: 'must be string' }]);
      expect(validator.validate(top, {})).toEqual([
        { pointer: '/q', detail: "must have required property 'q'" },
      ]);
      expect(validator.validate(hashed, {})).toEqual([]);
    }
  });

  it('answers 503 CATALOG.SCHEMA_UNUSABLE, never a crash, for a stored schema that cannot validate', () => {
    const { validator } = setup();
    const unusable = expect.objectContaining({ status: 503, code: 'CATALOG.SCHEMA_UNUSABLE' });
    const remote = make('test:remote', {
      type: 'object',
      properties: { a: { $ref: 'https://nowhere.example/a' } },
    });
    const endless = make('test:endless', { $ref: '#' });
    const lookahead = make('test:lookahead', {
      type: 'object',
      properties: { a: { type: 'string', pattern: '^(?!x)' } },
    });
    const stored = make('test:costly', {
      type: 'object',
      properties: { a: { type: 'string', pattern: '(a|aa){1000}$' } },
    });
    for (const manifest of [remote, endless, endless, lookahead, stored]) {
      expect(() => validator.assertValid(manifest, { a: 'y' })).toThrow(unusable);
    }
  });

  it('answers a 422 violation, without matching, for a string or name too long for its pattern', () => {
    const { validator } = setup();
    const manifest = make('test:patterned', {
      type: 'object',
      properties: { list: { type: 'array', items: { type: 'string', pattern: '^(?:a|b)+$' } } },
      patternProperties: { '^x-': { type: 'number' } },
    });
    expect(validator.validate(manifest, { list: ['ab'.repeat(1_000)], 'x-1': 1 })).toEqual([]);
    const long = 'a'.repeat(100_000);
    const tooLong = (pattern: string) =>
      expect.stringMatching(new RegExp(`^is too long to match against pattern "\\^${pattern}`));
    expect(validator.validate(manifest, { list: ['a', long] })).toEqual([
      { pointer: '/list/1', detail: tooLong('\\(\\?:a\\|b\\)\\+\\$" \\(at most \\d+ characters\\)$') },
    ]);
    // A member name too long to match is refused too, not skipped by `patternProperties`.
    expect(() => validator.assertValid(manifest, { [`x-${long}`]: 'not a number' })).toThrow(
      expect.objectContaining({ status: 422, errors: [{ pointer: `/x-${long}`, detail: tooLong('x-') }] }),
    );
  });

  it('answers a 422 when many strings together take too long to match', () => {
    const { validator } = setup();
    const manifest = make('test:many-patterned', {
      type: 'object',
      properties: { list: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } } },
    });
    const list = Array.from({ length: 500 }, () => 'abc');
    const clock = jest.spyOn(performance, 'now');
    try {
      let now = 0;
      clock.mockImplementation(() => (now += 1)); // each match takes 1 ms
      expect(validator.validate(manifest, { list })).toEqual([
        { pointer: '', detail: expect.stringMatching(/take more than 100 ms to match/) },
      ]);
    } finally {
      clock.mockRestore();
    }
    expect(validator.validate(manifest, { list })).toEqual([]);
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
