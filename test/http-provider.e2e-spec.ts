import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

import { DataSource } from 'typeorm';
import { parse as parseYaml } from 'yaml';

import { HttpApiClient } from '@toolgate/provider-http';
import { waitUntil } from '@toolgate/testing';

import { bearer, devToken, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway, type TestGateway } from './support/gateway';

type Json = Record<string, any>;

const PETSTORE = readFileSync(join(__dirname, 'fixtures/petstore.yaml'), 'utf8');
const SECRET_ENV = 'HTTP_API_ACME__PETSTORE_TOKEN';
const SECRET = 'petstore-upstream-secret';
const PEOPLE: Record<string, { tenant: string; roles: string[] }> = {
  admin: { tenant: 'acme', roles: ['platform-admin'] },
  user: { tenant: 'acme', roles: ['api-user'] },
  nobody: { tenant: 'acme', roles: [] },
  globexUser: { tenant: 'globex', roles: ['api-user'] },
  // A tenant whose name differs from `acme` only in case: it must not reach acme's HTTP_API_ACME__ secrets.
  lookalikeAdmin: { tenant: 'ACME', roles: ['platform-admin'] },
  lookalikeUser: { tenant: 'ACME', roles: ['api-user'] },
  sharedAdmin: { tenant: 'public', roles: ['platform-admin'] },
};
/** Sent by the `query` auth of the `echo` API; `/`, `+` and `=` all change when URL- or JSON-encoded. */
const ECHO_SECRET_ENV = 'HTTP_API_ACME__ECHO_KEY';
const ECHO_SECRET = 'k3y/with+slash=';
const PETS = [
  { id: 1, name: 'Rex', tag: 'dog' },
  { id: 2, name: 'Tom', tag: 'cat' },
  { id: 3, name: 'Nemo' },
];

/** A local Petstore (`/v1/pets`, `/v1/pets/{petId}`) recording every request it sees. */
function startPetstore(seen: { url: string; headers: IncomingHttpHeaders }[]): Promise<Server> {
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://petstore');
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/v1/pets' && req.method === 'GET') {
      return json(200, PETS.slice(0, Number(url.searchParams.get('limit') ?? 100)));
    }
    if (url.pathname === '/v1/pets' && req.method === 'POST') return void res.writeHead(201).end();
    const id = /^\/v1\/pets\/([^/]+)$/.exec(url.pathname)?.[1];
    if (id === 'moved') return void res.writeHead(302, { location: '/v1/internal-only' }).end();
    const pet = PETS.find((candidate) => String(candidate.id) === id);
    if (pet) return json(200, pet);
    json(404, { code: 404, message: `no pet ${id}` });
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/**
 * A local API recording every request path. `<base>/echo` answers 200 with the request URL (`\/`-escaped,
 * as PHP writes it) and the secret; `<base>/missing` 404 with the URL; anything else 200 with the path.
 */
function startEchoApi(seen: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    seen.push(url);
    const self = `http://${req.headers.host}${url}`;
    const json = (status: number, body: string) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    const path = url.split('?')[0];
    if (path.endsWith('/echo')) {
      return json(200, `{"self":"${self.replaceAll('/', '\\/')}","k":"${ECHO_SECRET}"}`);
    }
    if (path.endsWith('/missing')) return json(404, JSON.stringify({ message: 'not here', self }));
    json(200, JSON.stringify({ path }));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/** A small OpenAPI document: `GET /pets/{petId}` (getPet), with `GET /pets` (listPets) when asked. */
function petsSpec(withList = false): Json {
  const get = (operationId: string, parameters: Json[] = []) => ({
    get: { operationId, parameters, responses: { '200': { description: 'ok' } } },
  });
  return {
    openapi: '3.0.3',
    info: { title: 'pets', version: '1' },
    paths: {
      ...(withList ? { '/pets': get('listPets') } : {}),
      '/pets/{petId}': get('getPet', [
        { name: 'petId', in: 'path', required: true, schema: { type: 'string' } },
      ]),
    },
  };
}

describe('http provider: OpenAPI ingestion and invocation (e2e over HTTP)', () => {
  const runtime = makeRuntimeDir();
  const policyFile = resolve(__dirname, '../policies/policies.yml');
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const tokens: Record<string, string> = {};
  let upstream: Server;
  let baseUrl: string;
  const echoSeen: string[] = [];
  let echoApi: Server;
  let echoOrigin: string;
  let gw: TestGateway;

  const boot = (allowedHosts?: string, databaseUrl?: string) =>
    startGateway({
      env: { RUNTIME_DIR: runtime.dir, POLICY_FILE: policyFile, HTTP_PROVIDER_ALLOWED_HOSTS: allowedHosts },
      databaseUrl,
    });
  const call = async (
    on: TestGateway,
    who: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await on.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...bearer(tokens[who]),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json, text };
  };
  const ingest = (body: Json, on = gw, who = 'admin') => call(on, who, '/manifests/openapi', body);
  const invoke = (toolId: string, input: Json, on = gw, who = 'user', headers?: Record<string, string>) =>
    call(on, who, `/tools/${toolId}/invoke`, input, headers);
  const catalog = async (who: string) =>
    ((await call(gw, who, '/tool-catalog')).body.tools as Json[])
      .map((tool) => tool.toolId)
      .filter((id) => id.startsWith('http.'));

  beforeAll(async () => {
    upstream = await startPetstore(seen);
    baseUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    echoApi = await startEchoApi(echoSeen);
    echoOrigin = `http://127.0.0.1:${(echoApi.address() as AddressInfo).port}`;
    process.env[SECRET_ENV] = SECRET;
    process.env[ECHO_SECRET_ENV] = ECHO_SECRET;
    gw = await boot('127.0.0.1');
    for (const [who, person] of Object.entries(PEOPLE)) {
      tokens[who] = await devToken(runtime.dir, { subject: who, ...person });
    }
  });
  beforeEach(() => {
    seen.length = 0;
    echoSeen.length = 0;
  });
  afterAll(async () => {
    await gw.close();
    await new Promise<void>((done) => upstream.close(() => done()));
    await new Promise<void>((done) => echoApi.close(() => done()));
    delete process.env[SECRET_ENV];
    delete process.env[ECHO_SECRET_ENV];
    runtime.dispose();
  });

  it('ingests the Petstore into the admin tenant, one tool per operation', async () => {
    const answer = await ingest({
      name: 'petstore',
      spec: PETSTORE,
      base_url: baseUrl,
      auth: { type: 'bearer', secret_env: SECRET_ENV },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      name: 'petstore',
      tenant: 'acme',
      base_url: baseUrl,
      version: 1,
      auth: { type: 'bearer', secret_env: SECRET_ENV, configured: true },
      disabled: [],
      skipped: [],
    });
    expect(answer.body.tools).toEqual([
      { toolId: 'http.petstore:listPets', version: 1, safety_tags: ['read-only'] },
      { toolId: 'http.petstore:createPets', version: 1, safety_tags: ['write'] },
      { toolId: 'http.petstore:showPetById', version: 1, safety_tags: ['read-only'] },
    ]);
    expect(answer.text).not.toContain(SECRET);
  });

  it('shows the tools to api-users of the tenant only', async () => {
    expect(await catalog('user')).toEqual([
      'http.petstore:createPets',
      'http.petstore:listPets',
      'http.petstore:showPetById',
    ]);
    expect(await catalog('nobody')).toEqual([]);
    expect(await catalog('globexUser')).toEqual([]);
    const entry = await call(gw, 'user', '/tool-catalog/http.petstore:listPets');
    expect(entry.body).toMatchObject({
      provider_id: 'http',
      source: 'openapi',
      required_scopes: ['http.petstore'],
    });
  });

  it('invokes listPets with a query limit and showPetById with a path parameter', async () => {
    const list = await invoke('http.petstore:listPets', { query: { limit: 2 } });
    expect(list.status).toBe(200);
    expect(list.body.result).toEqual({
      status: 200,
      content_type: 'application/json',
      body: PETS.slice(0, 2),
    });
    const one = await invoke('http.petstore:showPetById', { path: { petId: '3' } });
    expect(one.body.result.body).toEqual(PETS[2]);
    expect(seen.map((request) => request.url)).toEqual(['/v1/pets?limit=2', '/v1/pets/3']);
  });

  it('sends the brokered credential upstream, never the agent token, and answers its token_meta', async () => {
    const answer = await invoke('http.petstore:listPets', {});
    expect(answer.body.token_meta).toEqual({
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scopes: ['http.petstore'],
    });
    expect(answer.body.token_meta.expires_in).toBeGreaterThan(0);
    expect(JSON.stringify(answer.body)).not.toContain(SECRET);
    expect(seen).toHaveLength(1);
    expect(seen[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.stringify(seen[0].headers)).not.toContain(tokens.user);
  });

  it('validates arguments and maps upstream errors', async () => {
    expect((await invoke('http.petstore:listPets', { query: { limit: 101 } })).status).toBe(422);
    expect((await invoke('http.petstore:showPetById', {})).status).toBe(422);
    const missing = await invoke('http.petstore:showPetById', { path: { petId: '99' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'PROVIDER.UPSTREAM_NOT_FOUND', upstream_status: 404 });
    expect((await invoke('http.petstore:listPets', {}, gw, 'nobody')).status).toBe(403);
  });

  it('does not follow a redirect from the upstream', async () => {
    const moved = await invoke('http.petstore:showPetById', { path: { petId: 'moved' } });
    expect(moved.status).toBe(502);
    expect(moved.body.detail).toMatch(/redirects are not followed/);
    expect(seen.map((request) => request.url)).toEqual(['/v1/pets/moved']);
  });

  it('re-ingesting updates changed tools and disables removed operations', async () => {
    const spec = parseYaml(PETSTORE) as Json;
    delete spec.paths['/pets'].post;
    spec.paths['/pets'].get.summary = 'List pets';
    const answer = await ingest({
      name: 'petstore',
      spec,
      base_url: baseUrl,
      auth: { type: 'bearer', secret_env: SECRET_ENV },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.version).toBe(2);
    expect(answer.body.tools).toEqual([
      { toolId: 'http.petstore:listPets', version: 2, safety_tags: ['read-only'] },
      { toolId: 'http.petstore:showPetById', version: 1, safety_tags: ['read-only'] },
    ]);
    expect(answer.body.disabled).toEqual(['http.petstore:createPets']);
    expect(await catalog('user')).toEqual(['http.petstore:listPets', 'http.petstore:showPetById']);
    expect((await invoke('http.petstore:createPets', { body: { id: 4, name: 'Rex' } })).status).toBe(404);
  });

  it.each([
    ['http://169.254.169.254/latest', /169\.254\.169\.254 is a cloud metadata endpoint/],
    ['http://metadata.google.internal/v1', /cloud metadata endpoint/],
    ['http://localhost:1/v1', /localhost resolves to .*, a loopback address/],
    ['http://10.0.0.8/v1', /10\.0\.0\.8 is a private address/],
    ['file:///etc/passwd', /scheme file is not http or https/],
  ])('refuses base_url %s with 422', async (url, reason) => {
    const refused = await ingest({ name: 'evil', spec: PETSTORE, base_url: url });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'NET.UNSAFE_URL', errors: [{ pointer: '/base_url' }] });
    expect(refused.body.errors[0].detail).toMatch(reason);
  });

  it('refuses documents it cannot ingest, listing the problems, and non-admins', async () => {
    const external = await ingest({
      name: 'ext',
      base_url: baseUrl,
      spec: {
        openapi: '3.0.3',
        info: {},
        paths: { '/x': { get: { parameters: [{ $ref: 'https://evil.example/p.yaml' }] } } },
      },
    });
    expect(external.status).toBe(422);
    expect(external.body.errors).toEqual([
      {
        pointer: '/spec/paths/~1x/get/parameters/0/$ref',
        detail: expect.stringMatching(/only local #\/components/),
      },
    ]);
    const swagger = await ingest({ name: 'old', base_url: baseUrl, spec: { swagger: '2.0', paths: {} } });
    expect(swagger.body).toMatchObject({ status: 422, code: 'HTTP_PROVIDER.INVALID_SPEC' });
    expect(
      (await call(gw, 'user', '/manifests/openapi', { name: 'x', spec: PETSTORE, base_url: baseUrl })).status,
    ).toBe(403);
  });

  it('refuses a secret_env outside the tenant HTTP_API_ namespace, storing nothing', async () => {
    process.env.PIPEDRIVE_API_TOKEN = 'gateway-wide-pipedrive-secret';
    process.env.HTTP_API_GLOBEX_X = 'globex-secret';
    try {
      for (const [secretEnv, detail] of [
        ['PIPEDRIVE_API_TOKEN', /secret_env must name an HTTP_API_\* variable/],
        ['HTTP_API_GLOBEX_X', /must be a variable named HTTP_API_ACME__<NAME>/],
      ] as const) {
        const refused = await ingest({
          name: 'exfil',
          spec: PETSTORE,
          base_url: baseUrl,
          auth: { type: 'bearer', secret_env: secretEnv },
        });
        expect(refused.status).toBe(422);
        expect(refused.body).toMatchObject({
          code: 'REQUEST.VALIDATION_FAILED',
          request_id: expect.any(String),
          errors: [{ pointer: '/auth/secret_env', detail: expect.stringMatching(detail) }],
        });
        expect(refused.text).not.toContain('configured');
      }
      const stored = await gw.app
        .get(DataSource)
        .query('SELECT 1 FROM "http_apis" WHERE "name" = $1', ['exfil']);
      expect(stored).toEqual([]);
      expect(await catalog('user')).not.toContain('http.exfil:listPets');
      expect((await invoke('http.exfil:listPets', {})).status).toBe(404);
      expect(seen).toEqual([]);
    } finally {
      delete process.env.PIPEDRIVE_API_TOKEN;
      delete process.env.HTTP_API_GLOBEX_X;
    }
  });

  it("keeps a look-alike tenant out of another tenant's secrets: its namespace is the hex of its name", async () => {
    const own = 'HTTP_API__41434D45__PETSTORE_TOKEN';
    process.env[own] = 'lookalike-own-secret';
    const lookalike = (secretEnv: string) =>
      ingest(
        {
          name: 'lookalike',
          spec: PETSTORE,
          base_url: baseUrl,
          auth: { type: 'bearer', secret_env: secretEnv },
        },
        gw,
        'lookalikeAdmin',
      );
    try {
      const borrowed = await lookalike(SECRET_ENV);
      expect(borrowed.status).toBe(422);
      expect(borrowed.body.errors).toEqual([
        {
          pointer: '/auth/secret_env',
          detail: expect.stringContaining('must be a variable named HTTP_API__41434D45__<NAME>'),
        },
      ]);
      const ingested = await lookalike(own);
      expect(ingested.status).toBe(200);
      expect(ingested.body).toMatchObject({ tenant: 'ACME', auth: { secret_env: own, configured: true } });
      expect(seen).toEqual([]);
      expect((await invoke('http.lookalike:listPets', {}, gw, 'lookalikeUser')).status).toBe(200);
      expect(seen.map((request) => request.headers.authorization)).toEqual(['Bearer lookalike-own-secret']);
    } finally {
      delete process.env[own];
    }
  });

  it('re-checks the address at connect time (a name that now resolves to loopback)', async () => {
    const client = gw.app.get(HttpApiClient);
    const port = (upstream.address() as AddressInfo).port;
    const dns = jest.spyOn(client, 'resolve').mockResolvedValue([{ address: '93.184.216.34', family: 4 }]);
    try {
      const ingested = await ingest({
        name: 'rebind',
        spec: PETSTORE,
        base_url: `http://rebind.example.test:${port}/v1`,
      });
      expect(ingested.status).toBe(200);
      dns.mockResolvedValue([{ address: '127.0.0.1', family: 4 }]);
      const refused = await invoke('http.rebind:listPets', {});
      expect(refused.status).toBe(502);
      expect(refused.body.detail).toBe('The upstream address is not allowed (SSRF guard).');
      expect(seen).toEqual([]);
    } finally {
      dns.mockRestore();
    }
  });

  it('answers 422 with a pointer, never calling the upstream, for values HTTP cannot carry', async () => {
    const spec = parseYaml(PETSTORE) as Json;
    spec.paths['/pets/{petId}'].get.parameters.push({
      name: 'X-Trace',
      in: 'header',
      schema: { type: 'string' },
    });
    expect((await ingest({ name: 'traced', spec, base_url: baseUrl })).status).toBe(200);
    for (const [input, pointer] of [
      [{ path: { petId: '1' }, headers: { 'X-Trace': 'Ā' } }, '/headers/X-Trace'],
      [{ path: { petId: '\ud800' } }, '/path/petId'],
    ] as const) {
      const refused = await invoke('http.traced:showPetById', input);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        code: 'REQUEST.VALIDATION_FAILED',
        request_id: expect.any(String),
        errors: [expect.objectContaining({ pointer })],
      });
    }
    expect(seen).toEqual([]);
    const latin1 = await invoke('http.traced:showPetById', {
      path: { petId: '1' },
      headers: { 'X-Trace': 'café' },
    });
    expect(latin1.status).toBe(200);
    expect(seen.map((request) => request.headers['x-trace'])).toEqual(['café']);
  });

  it('never answers the API secret in any form, nor stores it for an Idempotency-Key replay', async () => {
    const spec = parseYaml(PETSTORE) as Json;
    spec.paths = {
      '/echo': { get: { operationId: 'echo', responses: { '200': { description: 'ok' } } } },
      '/missing': { get: { operationId: 'missing', responses: { '200': { description: 'ok' } } } },
    };
    const ingested = await ingest({
      name: 'echo',
      spec,
      base_url: `${echoOrigin}/e`,
      auth: { type: 'query', secret_env: ECHO_SECRET_ENV, name: 'api_key' },
    });
    expect(ingested.status).toBe(200);
    const sent = new URLSearchParams({ api_key: ECHO_SECRET }).toString();
    const forms = [
      ECHO_SECRET,
      encodeURIComponent(ECHO_SECRET),
      sent.slice(8),
      ECHO_SECRET.replaceAll('/', '\\/'),
    ];
    const ok = await invoke('http.echo:echo', {}, gw, 'user', { 'idempotency-key': 'echo-secret-1' });
    const missing = await invoke('http.echo:missing', {});
    expect(echoSeen).toEqual([`/e/echo?${sent}`, `/e/missing?${sent}`]);
    expect(ok.status).toBe(200);
    expect(ok.body.result.body).toEqual({ self: `${echoOrigin}/e/echo?api_key=[redacted]`, k: '[redacted]' });
    expect(missing.status).toBe(404);
    expect(missing.body.upstream_error).toEqual({
      message: 'not here',
      self: `${echoOrigin}/e/missing?api_key=[redacted]`,
    });
    const [stored] = (await gw.app
      .get(DataSource)
      .query('SELECT "response_body" FROM "idempotency_keys" WHERE "key" = $1', ['echo-secret-1'])) as Json[];
    expect(stored.response_body).toBe(ok.text);
    const replay = await invoke('http.echo:echo', {}, gw, 'user', { 'idempotency-key': 'echo-secret-1' });
    expect(replay.text).toBe(ok.text);
    expect(echoSeen).toHaveLength(2);
    for (const text of [ok.text, missing.text]) for (const form of forms) expect(text).not.toContain(form);
  });

  it('a refused ingestion (409: a shared tool id) stores nothing; the shared tool keeps its base URL', async () => {
    const shared = await ingest(
      { name: 'pets', spec: petsSpec(), base_url: `${echoOrigin}/a` },
      gw,
      'sharedAdmin',
    );
    expect(shared.status).toBe(200);
    expect(shared.body.tenant).toBe('public');
    const refused = await ingest({ name: 'pets', spec: petsSpec(true), base_url: `${echoOrigin}/b` });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CATALOG.DUPLICATE_TOOL', toolId: 'http.pets:getPet' });
    const rows = await gw.app
      .get(DataSource)
      .query('SELECT "tenant", "base_url" FROM "http_apis" WHERE "name" = $1', ['pets']);
    expect(rows).toEqual([{ tenant: 'public', base_url: `${echoOrigin}/a` }]);
    expect((await catalog('user')).filter((id) => id.startsWith('http.pets:'))).toEqual(['http.pets:getPet']);
    const answer = await invoke('http.pets:getPet', { path: { petId: '7' } });
    expect(answer.status).toBe(200);
    expect(echoSeen).toEqual(['/a/pets/7']);
  });

  it('runs a shared tool on the shared API, even where the tenant stored its own API of that name', async () => {
    // acme's own `vets` (base B), its tool disabled; then the platform shares `vets` (base A).
    expect((await ingest({ name: 'vets', spec: petsSpec(), base_url: `${echoOrigin}/b` })).status).toBe(200);
    const disabled = await gw.request('/manifests/http.vets:getPet', {
      method: 'DELETE',
      headers: bearer(tokens.admin),
    });
    expect(disabled.status).toBe(200);
    const shared = await ingest(
      { name: 'vets', spec: petsSpec(), base_url: `${echoOrigin}/a` },
      gw,
      'sharedAdmin',
    );
    expect(shared.status).toBe(200);
    expect((await call(gw, 'user', '/tool-catalog/http.vets:getPet')).body.tenant).toBe('public');
    const answer = await invoke('http.vets:getPet', { path: { petId: '7' } });
    expect(answer.status).toBe(200);
    expect(echoSeen).toEqual(['/a/pets/7']);
  });

  it('another replica invokes from Postgres, and applies its own allow-list', async () => {
    const replica = await boot(undefined, gw.databaseUrl);
    try {
      // Without 127.0.0.1 in its allow-list, the replica refuses it at ingestion and at connect time.
      const refused = await ingest({ name: 'local', spec: PETSTORE, base_url: baseUrl }, replica);
      expect(refused.status).toBe(422);
      expect(refused.body.errors[0].detail).toBe('127.0.0.1 is a loopback address');
      const blocked = await invoke('http.petstore:listPets', {}, replica);
      expect(blocked.status).toBe(502);
      expect(seen).toEqual([]);
    } finally {
      await replica.close();
    }
    await gw.close();
    gw = await boot('127.0.0.1', gw.databaseUrl); // a restart: the definition comes back from Postgres
    const list = await invoke('http.petstore:listPets', { query: { limit: 1 } });
    expect(list.body.result.body).toEqual(PETS.slice(0, 1));
  });

  it('frees an Idempotency-Key after an error from before the upstream was called (no credential yet)', async () => {
    const lateEnv = 'HTTP_API_ACME__LATE_TOKEN';
    delete process.env[lateEnv];
    const auth = { type: 'bearer', secret_env: lateEnv };
    expect((await ingest({ name: 'late', spec: petsSpec(), base_url: baseUrl, auth })).status).toBe(200);
    const headers = { 'idempotency-key': 'late-credential' };
    const args = { path: { petId: '1' } };
    const refused = await invoke('http.late:getPet', args, gw, 'user', headers);
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('PROVIDER.CREDENTIALS_UNAVAILABLE');
    expect(seen).toEqual([]);
    // Released, not stored: nothing was sent upstream, so a retry with the key may run the call.
    const stored = 'SELECT 1 FROM "idempotency_keys" WHERE "key" = $1';
    expect(await gw.app.get(DataSource).query(stored, ['late-credential'])).toEqual([]);
    process.env[lateEnv] = 'late-secret';
    try {
      // The broker holds a failed credential back for a few seconds; the key is free all along.
      let retried = refused;
      await waitUntil(
        async () => {
          retried = await invoke('http.late:getPet', args, gw, 'user', headers);
          return retried.status !== 503;
        },
        15_000,
        250,
      );
      expect(retried.status).toBe(200);
      expect(retried.body.result.body).toEqual(PETS[0]);
      expect(seen.map((request) => request.headers.authorization)).toEqual(['Bearer late-secret']);
    } finally {
      delete process.env[lateEnv];
    }
  });
});
