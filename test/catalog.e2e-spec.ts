import { manifestFromTool } from '@toolgate/catalog';
import { ProviderRegistry } from '@toolgate/core';
import { TestProviderService } from '@toolgate/testing';

import { type CatalogGateway, type Json, manifest, startCatalogGateway } from './support/catalog-gateway';

describe('tool catalog and manifests (e2e over HTTP)', () => {
  let catalog: CatalogGateway;
  const call: CatalogGateway['call'] = (...args) => catalog.call(...args);
  const toolIds: CatalogGateway['toolIds'] = (...args) => catalog.toolIds(...args);

  beforeAll(async () => {
    catalog = await startCatalogGateway();
  });

  afterAll(async () => {
    await catalog?.close();
  });

  describe('GET /tool-catalog', () => {
    it('needs a credential', async () => {
      expect((await call('anonymous', '/tool-catalog')).status).toBe(401);
    });

    it("lists only the caller's invocable tools, in tool id order, in the seed shape", async () => {
      const { status, body } = await call('reader', '/tool-catalog');
      expect(status).toBe(200);
      expect(body.tools.map((tool: Json) => tool.toolId)).toEqual([
        'test:echo',
        'test:fail',
        'test:fetch',
        'test:slow',
      ]);
      expect(body.tools[0]).toMatchObject({
        toolId: 'test:echo',
        name: 'Echo',
        description: 'Returns its input unchanged.',
        inputs: { type: 'object', required: ['message'] },
        outputs: { type: 'object' },
        required_scopes: ['test.read'],
        provider_id: 'test',
        tenant: 'public',
        safety_tags: ['read-only'],
        version: 1,
        requires_confirmation: false,
        requires_approval: false,
      });
    });

    it('adds the tools a stronger role may invoke, marked with their gates', async () => {
      const { body } = await call('writer', '/tool-catalog');
      expect(body.tools.map((tool: Json) => tool.toolId)).toEqual([
        'test:destroy',
        'test:echo',
        'test:fail',
        'test:fetch',
        'test:slow',
      ]);
      expect(body.tools[0]).toMatchObject({ requires_confirmation: true, requires_approval: true });
    });

    it('is empty for a caller the policy lets invoke nothing', async () => {
      expect(await toolIds('nobody')).toEqual([]);
    });

    it('filters by provider, tag and text', async () => {
      expect(await toolIds('writer', '?tag=destructive')).toEqual(['test:destroy']);
      expect(await toolIds('writer', '?provider=test&tag=read-only')).toEqual([
        'test:echo',
        'test:fetch',
        'test:slow',
      ]);
      expect(await toolIds('writer', '?provider=other')).toEqual([]);
      expect(await toolIds('writer', '?q=SLEEPS')).toEqual(['test:slow']);
      expect(await toolIds('writer', '?q=test:f')).toEqual(['test:fail', 'test:fetch']);
    });

    it('refuses unknown or oversized filters with 422', async () => {
      expect((await call('reader', `/tool-catalog?q=${'x'.repeat(201)}`)).status).toBe(422);
      expect((await call('reader', '/tool-catalog?colour=red')).status).toBe(422);
    });
  });

  describe('GET /tool-catalog/{toolId}', () => {
    it('returns one invocable tool', async () => {
      const { status, body } = await call('reader', '/tool-catalog/test:echo');
      expect(status).toBe(200);
      expect(body).toMatchObject({ toolId: 'test:echo', version: 1, requires_confirmation: false });
    });

    it('answers the same 404 for unknown and not-invocable tools', async () => {
      for (const toolId of ['test:nope', 'test:destroy']) {
        const { status, body } = await call('reader', `/tool-catalog/${toolId}`);
        expect(status).toBe(404);
        expect(body.code).toBe('CATALOG.TOOL_NOT_FOUND');
      }
    });
  });

  describe('manifest administration', () => {
    it('is for platform admins only', async () => {
      expect((await call('writer', '/manifests/register', { method: 'POST', body: manifest() })).status).toBe(
        403,
      );
    });

    it('registers a tenant manifest visible to that tenant only', async () => {
      const created = await call('acmeAdmin', '/manifests/register', { method: 'POST', body: manifest() });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        toolId: 'test:lookup',
        tenant: 'acme',
        version: 1,
        source: 'admin',
      });
      expect(await toolIds('reader')).toContain('test:lookup');
      expect(await toolIds('globexReader')).not.toContain('test:lookup');
      const other = await call('globexReader', '/tool-catalog/test:lookup');
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('CATALOG.TOOL_NOT_FOUND');
    });

    it('refuses a duplicate, and shadowing a public tool, with 409', async () => {
      const duplicate = await call('acmeAdmin', '/manifests/register', { method: 'POST', body: manifest() });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('CATALOG.DUPLICATE_TOOL');
      const shadow = manifest({ toolId: 'test:echo' });
      expect((await call('acmeAdmin', '/manifests/register', { method: 'POST', body: shadow })).status).toBe(
        409,
      );
    });

    it('refuses a schema that does not compile under ajv strict, listing each problem', async () => {
      const bad = manifest({
        toolId: 'test:bad',
        inputs: { type: 'object', properties: { n: { type: 'integr' } }, required: 'n' },
        outputs: { type: 'object', colour: 'red' },
      });
      const { status, body } = await call('acmeAdmin', '/manifests/register', { method: 'POST', body: bad });
      expect(status).toBe(422);
      expect(body.code).toBe('CATALOG.INVALID_MANIFEST');
      expect(body.errors.map((error: Json) => error.pointer)).toEqual(
        expect.arrayContaining(['/inputs/properties/n/type', '/inputs/required', '/outputs']),
      );
    });

    it('refuses an unknown provider and an id not namespaced by the provider with 422', async () => {
      const unknown = manifest({ toolId: 'nope:thing', provider_id: 'nope' });
      const refused = await call('acmeAdmin', '/manifests/register', { method: 'POST', body: unknown });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('CATALOG.UNKNOWN_PROVIDER');
      const mismatched = manifest({ toolId: 'other:thing' });
      const second = await call('acmeAdmin', '/manifests/register', { method: 'POST', body: mismatched });
      expect(second.status).toBe(422);
      expect(second.body.errors).toEqual([{ pointer: '/toolId', detail: 'must start with "test:"' }]);
    });

    it('validates the body itself (422 with pointers) and refuses another tenant (403)', async () => {
      const { status, body } = await call('acmeAdmin', '/manifests/register', {
        method: 'POST',
        body: { ...manifest({ toolId: 'test:x', safety_tags: ['Not A Tag'] }), name: undefined },
      });
      expect(status).toBe(422);
      expect(body.errors.map((error: Json) => error.pointer)).toEqual(
        expect.arrayContaining(['/name', '/safety_tags']),
      );
      const foreign = manifest({ toolId: 'test:foreign', tenant: 'globex' });
      expect((await call('acmeAdmin', '/manifests/register', { method: 'POST', body: foreign })).status).toBe(
        403,
      );
    });

    it('bumps the version on PUT when the content changes, not when it does not', async () => {
      const body = { ...manifest({ description: 'Looks records up, v2.' }), toolId: undefined };
      const updated = await call('acmeAdmin', '/manifests/test:lookup', { method: 'PUT', body });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ version: 2, description: 'Looks records up, v2.' });
      const again = await call('acmeAdmin', '/manifests/test:lookup', { method: 'PUT', body });
      expect(again.body.version).toBe(2);
      expect((await call('reader', '/tool-catalog/test:lookup')).body).toMatchObject({
        version: 2,
        description: 'Looks records up, v2.',
      });
      const foreign = await call('globexAdmin', '/manifests/test:lookup', { method: 'PUT', body });
      expect(foreign.status).toBe(404);
    });

    it('disables on DELETE (gone from every catalog), and registering again makes the next version', async () => {
      const removed = await call('acmeAdmin', '/manifests/test:lookup', { method: 'DELETE' });
      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({ toolId: 'test:lookup', disabled: true, version: 3 });
      expect((await call('reader', '/tool-catalog/test:lookup')).status).toBe(404);
      expect(await toolIds('reader')).not.toContain('test:lookup');
      expect((await call('acmeAdmin', '/manifests/test:lookup', { method: 'DELETE' })).status).toBe(404);
      const again = await call('acmeAdmin', '/manifests/register', { method: 'POST', body: manifest() });
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ version: 4, disabled: false });
    });

    it('lets admins of the public tenant publish tools every tenant sees', async () => {
      const shared = manifest({ toolId: 'test:shared', name: 'Shared' });
      expect(
        (await call('publicAdmin', '/manifests/register', { method: 'POST', body: shared })).status,
      ).toBe(201);
      expect(await toolIds('reader')).toContain('test:shared');
      expect(await toolIds('globexReader')).toContain('test:shared');
    });
  });

  describe('hostile schemas and arguments', () => {
    const register = (who: string, toolId: string, inputs: Json) =>
      call(who, '/manifests/register', { method: 'POST', body: manifest({ toolId, inputs }) });
    const invoke = (who: string, toolId: string, raw: string) =>
      call(who, `/tools/${toolId}/invoke`, { method: 'POST', raw });

    it('refuses, naming the keyword, schemas that would break or slow every invoke', async () => {
      const cases: [Json, string, RegExp][] = [
        [{ $ref: '#' }, '/inputs/$ref', /never end/],
        [{ type: 'object', allOf: [{ $ref: '#' }] }, '/inputs/allOf/0/$ref', /never end/],
        [{ $id: 'https://acme.example/x.json#', type: 'object' }, '/inputs/$id', /not allowed/],
        [
          { type: 'object', properties: { p: { $id: 'https://globex.example/input', type: 'string' } } },
          '/inputs/properties/p/$id',
          /not allowed/,
        ],
        [
          { type: 'object', properties: { s: { type: 'string', pattern: '^(?!admin)' } } },
          '/inputs/properties/s/pattern',
          /^pattern "\^\(\?!admin\)" is not supported/,
        ],
        [
          { type: 'object', properties: { s: { type: 'string', pattern: '(a|aa){1000}$' } } },
          '/inputs/properties/s/pattern',
          /is not supported: it compiles to 6003 instructions, more than 1000/,
        ],
        [
          { type: 'object', properties: { s: { type: 'string', pattern: '^(?<q>["\'])x\\k<q>$' } } },
          '/inputs/properties/s/pattern',
          /is not supported: backreference \\k/,
        ],
      ];
      for (const [inputs, pointer, detail] of cases) {
        const { status, body } = await register('acmeAdmin', 'test:hostile-schema', inputs);
        expect([pointer, status, body.code]).toEqual([pointer, 422, 'CATALOG.INVALID_MANIFEST']);
        expect(body.errors).toEqual([{ pointer, detail: expect.stringMatching(detail) }]);
      }
    });

    it('refuses an admin body nested deeper than 256 levels with a 422 problem, not a 500', async () => {
      // Two levels per repeat: 272 in all, past the DTO bound (256), within what the JSON parser takes (300).
      const levels = 135;
      const inputs = `${'{"type":"object","properties":{"p":'.repeat(levels)}{}${'}}'.repeat(levels)}`;
      const raw = JSON.stringify(manifest({ toolId: 'test:hostile-deep', inputs: 'DEEP' })).replace(
        '"DEEP"',
        inputs,
      );
      const { status, body } = await call('acmeAdmin', '/manifests/register', { method: 'POST', raw });
      expect([status, body.code]).toEqual([422, 'REQUEST.VALIDATION_FAILED']);
      expect(body.errors[0].detail).toMatch(/deeper than 256 levels/);
      expect(body.request_id).toEqual(expect.any(String));
    });

    it('matches a catastrophic-backtracking pattern in linear time', async () => {
      const inputs = {
        type: 'object',
        properties: { s: { type: 'string', pattern: '^(a+)+$', maxLength: 64 } },
      };
      expect((await register('globexAdmin', 'test:hostile-redos', inputs)).status).toBe(201);
      const started = Date.now();
      const answer = await invoke(
        'globexReader',
        'test:hostile-redos',
        JSON.stringify({ s: `${'a'.repeat(40)}!` }),
      );
      // A backtracking engine would take hours on 40 characters; slack for a loaded machine.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(answer.status).toBe(422);
      expect(answer.body.errors).toEqual([{ pointer: '/s', detail: 'must match pattern "^(a+)+$"' }]);
    });

    it('matches patterns as ECMAScript reads them, and refuses a string too long to match in budget', async () => {
      const inputs = {
        type: 'object',
        properties: {
          word: { type: 'string', pattern: '^\\S+$' },
          line: { type: 'string', pattern: '^.+$' },
        },
      };
      expect((await register('globexAdmin', 'test:hostile-unicode', inputs)).status).toBe(201);
      const bad = await invoke(
        'globexReader',
        'test:hostile-unicode',
        JSON.stringify({ word: 'a\u00a0b', line: 'a\rb' }),
      );
      expect([bad.status, bad.body.code]).toEqual([422, 'REQUEST.VALIDATION_FAILED']);
      expect(bad.body.errors).toEqual([
        { pointer: '/line', detail: 'must match pattern "^.+$"' },
        { pointer: '/word', detail: 'must match pattern "^\\S+$"' },
      ]);
      const long = await invoke(
        'globexReader',
        'test:hostile-unicode',
        JSON.stringify({ word: 'a'.repeat(200_000) }),
      );
      expect([long.status, long.body.code, long.body.request_id]).toEqual([
        422,
        'REQUEST.VALIDATION_FAILED',
        expect.any(String),
      ]);
      expect(long.body.errors).toEqual([
        {
          pointer: '/word',
          detail: expect.stringMatching(
            /^is too long to match against pattern "\^\\S\+\$" \(at most \d+ characters\)$/,
          ),
        },
      ]);
    });

    it('refuses arguments nested deeper than 64 levels with a 422 problem, also under a recursive schema', async () => {
      expect((await register('acmeAdmin', 'test:hostile-free', { type: 'object' })).status).toBe(201);
      const tree = { type: 'object', properties: { child: { $ref: '#' } } };
      expect((await register('acmeAdmin', 'test:hostile-tree', tree)).status).toBe(201);
      // Past the arguments' bound (64), within what the JSON parser takes (300).
      const deepArray = `{"a":${'['.repeat(200)}${']'.repeat(200)}}`;
      const deepTree = `${'{"child":'.repeat(200)}{}${'}'.repeat(200)}`;
      for (const [toolId, raw] of [
        ['test:hostile-free', deepArray],
        ['test:hostile-tree', deepTree],
      ]) {
        const answer = await invoke('reader', toolId, raw);
        expect([toolId, answer.status, answer.headers.get('content-type')]).toEqual([
          toolId,
          422,
          expect.stringContaining('application/problem+json'),
        ]);
        expect(answer.body).toMatchObject({
          code: 'REQUEST.VALIDATION_FAILED',
          request_id: expect.any(String),
          errors: [
            { pointer: expect.any(String), detail: 'nests deeper than 64 levels of objects and arrays' },
          ],
        });
      }
    });
  });

  it('resolves tool ids to manifest attributes for /policy/explain', async () => {
    const explain = (toolId: string) =>
      call('reader', '/policy/explain', {
        method: 'POST',
        body: { action: 'tools.invoke', resource: { toolId } },
      });
    const allowed = await explain('test:echo');
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ decision: 'allow', matched_rules: ['invoke-test-tools'] });
    const denied = await explain('test:destroy');
    expect(denied.body).toMatchObject({ decision: 'deny', missing_scopes: ['test.write'] });
    expect((await explain('test:nope')).status).toBe(404);
  });

  describe('tools the platform disabled', () => {
    const invokeDestroy = () =>
      call('reader', '/tools/test:destroy/invoke', { method: 'POST', body: { target: 'production' } });

    afterAll(async () => {
      // Give the shared catalog its provider tool back, as the provider describes it.
      const tool = catalog.gw.app.get(ProviderRegistry).findTool('test:destroy')!;
      const restored = await call('publicAdmin', '/manifests/register', {
        method: 'POST',
        body: manifestFromTool(tool),
      });
      expect(restored.status).toBe(201);
    });

    it("cannot be taken over by a tenant admin: a provider's tool stays disabled, with its safeguards", async () => {
      const ran = () => catalog.gw.app.get(TestProviderService).calls.get('test:destroy') ?? 0;
      const before = ran();
      const disabled = await call('publicAdmin', '/manifests/test:destroy', { method: 'DELETE' });
      expect(disabled.status).toBe(200);
      const takeover = {
        toolId: 'test:destroy',
        provider_id: 'test',
        name: 'x',
        description: 'x',
        inputs: { type: 'object' },
        required_scopes: [],
        safety_tags: [],
      };
      const refused = await call('acmeAdmin', '/manifests/register', { method: 'POST', body: takeover });
      expect([refused.status, refused.headers.get('content-type')]).toEqual([
        409,
        expect.stringContaining('application/problem+json'),
      ]);
      expect(refused.body).toMatchObject({
        code: 'CATALOG.PROVIDER_TOOL',
        detail: expect.stringContaining('test:destroy is a tool of provider test'),
      });
      const { toolId: _toolId, ...body } = takeover;
      const replaced = await call('acmeAdmin', '/manifests/test:destroy', { method: 'PUT', body });
      expect([replaced.status, replaced.body.code]).toEqual([409, 'CATALOG.PROVIDER_TOOL']);
      const invoked = await invokeDestroy();
      expect([invoked.status, invoked.body.code]).toEqual([404, 'CATALOG.TOOL_NOT_FOUND']);
      expect(await toolIds('reader')).not.toContain('test:destroy');
      expect(ran()).toBe(before);
    });

    it('keeps a disabled shared tool id out of every tenant (409), and lets public enable it again', async () => {
      const shared = manifest({ toolId: 'test:retired', name: 'Retired' });
      const register = (who: string) => call(who, '/manifests/register', { method: 'POST', body: shared });
      expect((await register('publicAdmin')).status).toBe(201);
      expect((await call('publicAdmin', '/manifests/test:retired', { method: 'DELETE' })).status).toBe(200);
      const shadow = await register('globexAdmin');
      expect(shadow.status).toBe(409);
      expect(shadow.body).toMatchObject({
        code: 'CATALOG.DUPLICATE_TOOL',
        tenant: 'public',
        detail: expect.stringContaining('(disabled)'),
      });
      expect(await toolIds('globexReader')).not.toContain('test:retired');
      const again = await register('publicAdmin');
      expect(again.body).toMatchObject({ tenant: 'public', version: 3, disabled: false });
    });
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await (await catalog.gw.request('/docs-json')).json()) as Json;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/tool-catalog',
        '/tool-catalog/{toolId}',
        '/manifests/register',
        '/manifests/{toolId}',
      ]),
    );
    expect(doc.paths['/manifests/register'].post.responses).toEqual(
      expect.objectContaining({ 201: expect.anything(), 409: expect.anything(), 422: expect.anything() }),
    );
  });
});
