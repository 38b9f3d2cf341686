import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createJsonSchemaAjv, DomainException } from '@toolgate/core';

import { planIngestion, type PlanOptions } from './openapi-ingest.util';

const PETSTORE = readFileSync(join(__dirname, '../../../../../test/fixtures/petstore.yaml'), 'utf8');
const LIMITS: PlanOptions = { maxSpecBytes: 64 * 1024, maxOperations: 20 };

const doc = (paths: Record<string, unknown>, components: Record<string, unknown> = {}) => ({
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths,
  components,
});

/** The 422 problems a document is refused with. */
function problemsOf(spec: unknown, options: PlanOptions = LIMITS) {
  try {
    planIngestion(spec, 'api', options);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainException);
    expect(error).toMatchObject({ status: 422, code: 'HTTP_PROVIDER.INVALID_SPEC' });
    return (error as DomainException).errors ?? [];
  }
  throw new Error('the document was accepted');
}

describe('planIngestion', () => {
  const petstore = planIngestion(PETSTORE, 'petstore', LIMITS);
  const byId = (toolId: string) => petstore.manifests.find((manifest) => manifest.toolId === toolId)!;

  it('turns each Petstore operation into an http.petstore:<operationId> manifest', () => {
    expect(petstore.manifests.map((m) => m.toolId)).toEqual([
      'http.petstore:listPets',
      'http.petstore:createPets',
      'http.petstore:showPetById',
    ]);
    expect(byId('http.petstore:listPets')).toMatchObject({
      name: 'List all pets',
      description: 'List all pets\n\nGET /pets',
      provider_id: 'http',
      required_scopes: ['http.petstore'],
      safety_tags: ['read-only'],
    });
    expect(byId('http.petstore:createPets').safety_tags).toEqual(['write']);
    expect(petstore.operations[2]).toEqual({
      operationId: 'showPetById',
      toolId: 'http.petstore:showPetById',
      method: 'get',
      path: '/pets/{petId}',
      parameters: [{ name: 'petId', in: 'path', required: true }],
    });
  });

  it('maps parameters and the JSON body to { path, query, headers, body } with local refs inlined', () => {
    expect(byId('http.petstore:listPets').inputs).toEqual({
      type: 'object',
      properties: {
        query: {
          type: 'object',
          properties: {
            limit: {
              type: 'integer',
              maximum: 100,
              format: 'int32',
              description: 'How many items to return at one time (max 100)',
            },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    });
    expect(byId('http.petstore:showPetById').inputs).toMatchObject({
      properties: { path: { properties: { petId: { type: 'string' } }, required: ['petId'] } },
      required: ['path'],
    });
    expect(byId('http.petstore:createPets').inputs).toMatchObject({
      properties: {
        body: {
          type: 'object',
          required: ['id', 'name'],
          properties: { id: { type: 'integer', format: 'int64' } },
        },
      },
      required: ['body'],
    });
    expect(byId('http.petstore:showPetById').outputs).toMatchObject({
      properties: { body: { type: 'object', required: ['id', 'name'] } },
    });
  });

  it('produces input schemas that compile and validate under strict ajv', () => {
    const ajv = createJsonSchemaAjv();
    const validate = ajv.compile(byId('http.petstore:listPets').inputs);
    expect(validate({ query: { limit: 10 } })).toBe(true);
    expect(validate({ query: { limit: 101 } })).toBe(false);
    expect(validate({ query: { limit: 1, other: 2 } })).toBe(false);
    expect(ajv.compile(byId('http.petstore:showPetById').inputs)({})).toBe(false);
  });

  it('tags DELETE destructive, derives missing operation ids and drops reserved headers', () => {
    const plan = planIngestion(
      doc({
        '/things/{id}': {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          delete: {
            parameters: [
              { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
              { name: 'Authorization', in: 'header', schema: { type: 'string' } },
              ...[
                'X-Forwarded-For',
                'X-Forwarded-Host',
                'x-forwarded-proto',
                'X-Real-IP',
                'Proxy-Connection',
                'Via',
              ].map((name) => ({ name, in: 'header', schema: { type: 'string' } })),
              { name: 'session', in: 'cookie', schema: { type: 'string' } },
            ],
          },
          patch: {
            operationId: 'patch thing!',
            requestBody: { content: { 'application/merge-patch+json': {} } },
          },
        },
      }),
      'api',
      LIMITS,
    );
    expect(plan.manifests.map((m) => [m.toolId, m.safety_tags])).toEqual([
      ['http.api:delete_things_id', ['destructive']],
      ['http.api:patch_thing_', ['write']],
    ]);
    expect(Object.keys((plan.manifests[0].inputs.properties as any).headers.properties)).toEqual(['X-Trace']);
  });

  it('converts OpenAPI-only keywords to strict JSON Schema', () => {
    const plan = planIngestion(
      doc(
        {
          '/x': {
            post: {
              operationId: 'x',
              requestBody: {
                content: { 'application/json': { schema: { $ref: '#/components/schemas/X' } } },
              },
            },
          },
        },
        {
          schemas: {
            X: {
              properties: {
                n: { type: 'number', nullable: true, minimum: 0, exclusiveMinimum: true, example: 3 },
              },
              required: ['n', 'undeclared'],
              discriminator: { propertyName: 'n' },
              xml: { name: 'x' },
              'x-internal': true,
            },
          },
        },
      ),
      'api',
      LIMITS,
    );
    expect((plan.manifests[0].inputs.properties as any).body).toEqual({
      type: 'object',
      properties: { n: { type: ['number', 'null'], exclusiveMinimum: 0, examples: [3] }, undeclared: {} },
      required: ['n', 'undeclared'],
    });
  });

  it('skips operations whose body is not JSON, and reports them', () => {
    const plan = planIngestion(
      doc({
        '/upload': {
          post: { operationId: 'upload', requestBody: { content: { 'multipart/form-data': {} } } },
        },
        '/ok': { get: { operationId: 'ok' } },
      }),
      'api',
      LIMITS,
    );
    expect(plan.skipped).toEqual([
      {
        operation: 'POST /upload',
        reason: 'request body media types multipart/form-data are not supported (JSON only)',
      },
    ]);
    expect(plan.manifests.map((m) => m.toolId)).toEqual(['http.api:ok']);
  });

  it('refuses external refs without fetching them, circular refs and refs to nowhere', () => {
    const problems = problemsOf(
      doc(
        {
          '/a': {
            get: {
              operationId: 'a',
              parameters: [{ name: 'q', in: 'query', schema: { $ref: 'https://evil.example/schema.json' } }],
            },
          },
          '/b': { get: { operationId: 'b', parameters: [{ $ref: 'other.yaml#/components/parameters/P' }] } },
          '/c': {
            post: {
              operationId: 'c',
              requestBody: {
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } },
              },
            },
          },
          '/d': { get: { operationId: 'd', parameters: [{ $ref: '#/components/parameters/Missing' }] } },
          '/e': { get: { operationId: 'e', parameters: [{ $ref: '#/components/%E0%A4%A' }] } },
        },
        {
          schemas: { Node: { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } } },
        },
      ),
    );
    expect(problems).toEqual([
      {
        pointer: '/spec/paths/~1a/get/parameters/0/schema/$ref',
        detail:
          '$ref "https://evil.example/schema.json" is not resolved: only local #/components/... references are',
      },
      {
        pointer: '/spec/paths/~1b/get/parameters/0/$ref',
        detail:
          '$ref "other.yaml#/components/parameters/P" is not resolved: only local #/components/... references are',
      },
      {
        pointer: '/spec/paths/~1c/post/requestBody/content/application~1json/schema/properties/next/$ref',
        detail: 'circular $ref "#/components/schemas/Node" is not supported',
      },
      {
        pointer: '/spec/paths/~1d/get/parameters/0/$ref',
        detail: '$ref "#/components/parameters/Missing" points nowhere',
      },
      {
        pointer: '/spec/paths/~1e/get/parameters/0/$ref',
        detail: '$ref "#/components/%E0%A4%A" points nowhere',
      },
    ]);
  });

  it('refuses Swagger 2.0, non-3.x versions, oversized documents and too many operations', () => {
    expect(problemsOf({ swagger: '2.0', paths: {} })).toEqual([
      { pointer: '/spec/swagger', detail: 'Swagger 2.0 is not supported: convert it to OpenAPI 3' },
    ]);
    expect(problemsOf({ openapi: '4.0.0', paths: {} })[0].pointer).toBe('/spec/openapi');
    expect(problemsOf('openapi: [unclosed')[0].detail).toMatch(/^not valid YAML or JSON/);
    expect(problemsOf(PETSTORE, { ...LIMITS, maxSpecBytes: 1024 })).toEqual([
      { pointer: '/spec', detail: 'the document has 2772 bytes; at most 1024 are accepted' },
    ]);
    expect(problemsOf(PETSTORE, { ...LIMITS, maxOperations: 2 })).toEqual([
      { pointer: '/spec/paths', detail: 'the document has 3 operations; at most 2 are accepted' },
    ]);
  });

  it('matches patterns in linear time and refuses, naming it, a pattern the engine cannot compile', () => {
    const op = (pattern: string) => ({
      post: {
        operationId: 'op',
        parameters: [{ name: 'q', in: 'query', schema: { type: 'string', pattern } }],
      },
    });
    const plan = planIngestion(doc({ '/a': op('^(a+)+$') }), 'api', LIMITS);
    const validate = createJsonSchemaAjv().compile(plan.manifests[0].inputs);
    const started = performance.now();
    expect(validate({ query: { q: `${'a'.repeat(40)}!` } })).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(problemsOf(doc({ '/a': op('^(?!admin)') }))).toEqual([
      {
        pointer: '/spec/paths/~1a/post',
        detail: expect.stringMatching(
          /^input schema at "\/properties\/query\/properties\/q\/pattern": pattern "\^\(\?!admin\)" is not supported/,
        ),
      },
    ]);
  });

  it('refuses a document nested too deep to convert, without overflowing the stack', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < 20_000; level++) schema = { type: 'object', properties: { a: schema } };
    const spec = doc({ '/a': { post: { requestBody: { content: { 'application/json': { schema } } } } } });
    expect(problemsOf(spec, { ...LIMITS, maxSpecBytes: 10_000_000 })).toEqual([
      {
        pointer: expect.stringMatching(/^\/spec\/paths/),
        detail: 'nests deeper than 144 levels of objects and arrays',
      },
    ]);
  });

  it('refuses duplicate operation ids and schemas that do not compile', () => {
    const problems = problemsOf(
      doc({
        '/a': { get: { operationId: 'same' } },
        '/b': {
          get: { operationId: 'same' },
          post: { operationId: 'bad', parameters: [{ name: 'p', in: 'query', schema: { type: 'strin' } }] },
        },
      }),
    );
    expect(problems[0]).toEqual({
      pointer: '/spec/paths/~1b/get/operationId',
      detail: 'operation id "same" is also GET /a\'s',
    });
    expect(problems[1]).toEqual({
      pointer: '/spec/paths/~1b/post',
      detail: expect.stringMatching(
        /^input schema at "\/properties\/query\/properties\/p\/type": must be equal to one of/,
      ),
    });
  });
});
