import { type DomainException } from '@toolgate/core';

import { planIngestion, type PlanOptions } from './openapi-ingest.util';

const LIMITS: PlanOptions = { maxSpecBytes: 64 * 1024, maxOperations: 20 };

const doc = (paths: Record<string, unknown>, schemas: Record<string, unknown>) => ({
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths,
  components: { schemas },
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** An object schema with `count` properties, each a `$ref` to `target`. */
const fanOut = (target: string, count: number) => ({
  type: 'object',
  properties: Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, ref(target)])),
});
const post = (operationId: string, schema: unknown) => ({
  post: {
    operationId,
    requestBody: { content: { 'application/json': { schema } } },
    responses: { '200': { description: 'ok' } },
  },
});

function problemsOf(spec: unknown, options: PlanOptions = LIMITS) {
  try {
    planIngestion(spec, 'api', options);
  } catch (error) {
    expect(error).toMatchObject({ status: 422, code: 'HTTP_PROVIDER.INVALID_SPEC' });
    return (error as DomainException).errors ?? [];
  }
  throw new Error('the document was accepted');
}

describe('inlined size of an OpenAPI document', () => {
  it('refuses a $ref fan-out that would make a small document gigabytes of manifests, early', () => {
    // 10 × 10 × 10 refs to one 100 KB string: 100 MB of JSON per operation from a ~100 KB document.
    const schemas = {
      Big: { type: 'string', description: 'x'.repeat(100_000) },
      L1: fanOut('Big', 10),
      L2: fanOut('L1', 10),
      L3: fanOut('L2', 10),
    };
    const paths = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`/op${i}`, post(`op${i}`, ref('L3'))]),
    );
    const started = performance.now();
    const problems = problemsOf(doc(paths, schemas), { ...LIMITS, maxSpecBytes: 512 * 1024 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(problems).toEqual([
      {
        pointer: expect.stringMatching(/^\/spec\/paths\/~1op0\/post\/requestBody\//),
        detail:
          'the document expands to more than 4194304 bytes once $refs are inlined ' +
          '(at most 8 × the 524288-byte document limit)',
      },
    ]);
  });

  it('refuses an operation whose schemas inline to more than twice the document limit', () => {
    // 10 refs to a 15 KB string: 150 KB of input schema, over 2 × 64 KiB (the document is 16 KB).
    const schemas = { Big: { type: 'string', description: 'x'.repeat(15_000) }, L1: fanOut('Big', 10) };
    expect(problemsOf(doc({ '/a': post('a', ref('L1')) }, schemas))).toEqual([
      {
        pointer: '/spec/paths/~1a/post',
        detail:
          "the operation's input and output schemas expand to more than 131072 bytes once $refs are " +
          'inlined (at most 2 × the 65536-byte document limit)',
      },
    ]);
  });

  it('refuses tools that together inline to more than 8 × the document limit', () => {
    // A path item's parameters are copied into each of its operations: the sixth makes 6 × 90 KB, over 8 × 64 KiB.
    const schemas = { Big: { type: 'string', description: 'x'.repeat(15_000) }, L1: fanOut('Big', 6) };
    const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
    const item = {
      parameters: [{ name: 'filter', in: 'query', schema: ref('L1') }],
      ...Object.fromEntries(methods.map((method) => [method, { operationId: method }])),
    };
    expect(problemsOf(doc({ '/a': item }, schemas))).toEqual([
      {
        pointer: '/spec/paths/~1a/head',
        detail:
          "the tools' schemas expand to more than 524288 bytes once $refs are inlined " +
          '(at most 8 × the 65536-byte document limit)',
      },
    ]);
  });

  it('accepts a schema shared by many operations within the bounds', () => {
    const schemas = { Pet: { type: 'object', description: 'x'.repeat(20_000) } };
    const paths = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`/op${i}`, post(`op${i}`, ref('Pet'))]),
    );
    const plan = planIngestion(doc(paths, schemas), 'api', LIMITS);
    expect(plan.manifests).toHaveLength(20);
  });
});
