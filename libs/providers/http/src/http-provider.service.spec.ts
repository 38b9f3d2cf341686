import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { CredentialTimeoutException, StaticSecretSource, TokenBroker } from '@toolgate/broker';
import {
  createDeadline,
  type InvocationContext,
  raisedBeforeUpstream,
  type ToolDefinition,
} from '@toolgate/core';
import { runProviderContractSuite } from '@toolgate/testing';

import { HttpApiClient } from './http-api.client';
import { type HttpApiRegistry } from './http-api-registry.service';
import { type HttpApiDefinition, type HttpOperation } from './http-api.types';
import { loadHttpProviderConfig } from './http-provider.config';
import { HttpProviderService } from './http-provider.service';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const op = (
  operationId: string,
  method: HttpOperation['method'],
  path: string,
  extra: Partial<HttpOperation> = {},
) => ({
  operationId,
  toolId: `http.pets:${operationId}`,
  method,
  path,
  parameters: [],
  ...extra,
});

/** Sent by the `query` auth of the `echo` API; `/`, `+` and `=` all change when URL- or JSON-encoded. */
const ECHO_SECRET = 'k3y/with+slash=';

describe('HttpProviderService', () => {
  let server: Server;
  let seen: Seen[];
  let api: HttpApiDefinition;
  let echo: HttpApiDefinition;
  let asked: string[];
  let provider: HttpProviderService;
  let client: HttpApiClient;
  const broker = new TokenBroker();

  const registry = {
    resolve: async (tenant: string, name: string, toolId: string) => {
      asked.push(tenant);
      const found = [api, echo].find((candidate) => candidate.tenant === tenant && candidate.name === name);
      const operation = found?.operations.find((o) => o.toolId === toolId);
      return found && operation && { api: found, operation };
    },
    credentialSource: (of: HttpApiDefinition) => `http:${of.tenant}/${of.name}`,
  } as unknown as HttpApiRegistry;

  const tool = (toolId: string): ToolDefinition => ({
    name: toolId.split(':')[1],
    toolId,
    description: 'x',
    inputs: { type: 'object' },
    required_scopes: ['http.pets'],
    safety_tags: [],
  });
  const ctx = (toolId: string, ms = 2_000): InvocationContext => ({
    principal: { subject: 'agent', tenant: 'public', roles: [], scopes: [], kind: 'jwt' },
    requestId: 'r1',
    toolId,
    manifestTenant: 'public',
    deadline: createDeadline(ms),
  });
  const call = (toolId: string, input: Record<string, unknown> = {}, ms?: number) =>
    provider.invoke(tool(toolId), input, ctx(toolId, ms)).catch((error: unknown) => error);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        const path = req.url?.split('?')[0];
        if (path === '/v1/redirect') return void res.writeHead(302, { location: '/v1/elsewhere' }).end();
        if (path === '/v1/missing')
          return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no pet"}');
        if (path === '/v1/denied') return void res.writeHead(401).end();
        if (path === '/v1/broken') return void res.writeHead(500).end('boom');
        if (path === '/v1/big')
          return void res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5_000));
        if (path === '/v1/slow') return void setTimeout(() => res.writeHead(200).end(), 1_000);
        if (path === '/v1/echo') {
          // Echoes the request URL (as `links.self` do), the secret raw, and with `\/` as PHP writes it.
          const self = `http://${req.headers.host}${req.url}`.replaceAll('/', '\\/');
          const body = `{"self":"${self}","k":"${ECHO_SECRET}","php":"${ECHO_SECRET.replaceAll('/', '\\/')}"}`;
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        }
        if (path === '/v1/echo-missing') {
          const body = JSON.stringify({
            message: `nothing at ${req.url}`,
            self: `http://${req.headers.host}${req.url}`,
          });
          return void res.writeHead(404, { 'content-type': 'application/json' }).end(body);
        }
        if (path === '/v1/stall') {
          res.writeHead(200, { 'content-type': 'application/json' }).write('{"partial":');
          return void setTimeout(() => res.end('1}'), 30_000).unref();
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: req.url }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    api = {
      tenant: 'public',
      name: 'pets',
      baseUrl: `http://127.0.0.1:${port}/v1`,
      auth: { type: 'header', secret_env: 'HTTP_API_TEST_PETS_KEY', name: 'X-Api-Key' },
      version: 1,
      operations: [
        op('show', 'get', '/pets/{petId}', {
          parameters: [
            { name: 'petId', in: 'path', required: true },
            { name: 'limit', in: 'query', required: false },
            { name: 'X-Trace', in: 'header', required: false },
          ],
        }),
        op('create', 'post', '/pets', { body: { required: true, mediaType: 'application/json' } }),
        ...['redirect', 'missing', 'denied', 'broken', 'big', 'slow', 'stall'].map((name) =>
          op(name, 'get', `/${name}`),
        ),
      ],
    };
    echo = {
      tenant: 'public',
      name: 'echo',
      baseUrl: api.baseUrl,
      auth: { type: 'query', secret_env: 'HTTP_API_TEST_ECHO_KEY', name: 'api_key' },
      version: 1,
      operations: ['echo', 'echo-missing'].map((name) => ({
        ...op(name, 'get', `/${name}`),
        toolId: `http.echo:${name}`,
      })),
    };
    process.env.HTTP_API_TEST_PETS_KEY = 'upstream-secret';
    process.env.HTTP_API_TEST_ECHO_KEY = ECHO_SECRET;
    broker.register('http:public/pets', new StaticSecretSource('http:public/pets', 'HTTP_API_TEST_PETS_KEY'));
    broker.register('http:public/echo', new StaticSecretSource('http:public/echo', 'HTTP_API_TEST_ECHO_KEY'));
    client = new HttpApiClient({
      ...loadHttpProviderConfig({ HTTP_PROVIDER_ALLOWED_HOSTS: '127.0.0.1' }),
      maxResponseBytes: 4_096,
    });
    provider = new HttpProviderService(registry, client, broker);
  });
  beforeEach(() => {
    seen = [];
    asked = [];
  });
  afterAll(async () => {
    delete process.env.HTTP_API_TEST_ECHO_KEY;
    await client.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });

  runProviderContractSuite(() => provider, 'http provider contract');

  it('maps path, query and declared headers, and adds the brokered credential', async () => {
    const result = await call('http.pets:show', {
      path: { petId: 'a/b c' },
      query: { limit: [1, 2] },
      headers: { 'X-Trace': 't-1' },
    });
    expect(result).toEqual({
      status: 200,
      content_type: 'application/json',
      body: { echoed: '/v1/pets/a%2Fb%20c?limit=1&limit=2' },
    });
    expect(seen[0].headers).toMatchObject({ 'x-api-key': 'upstream-secret', 'x-trace': 't-1' });
    expect(seen[0].headers.authorization).toBeUndefined();
  });

  it("reports the API's own credential to the pipeline, for the answer's token_meta", async () => {
    const reported: unknown[] = [];
    const context = { ...ctx('http.pets:show'), reportCredentials: (used: unknown) => reported.push(used) };
    await provider.invoke(tool('http.pets:show'), { path: { petId: '1' } }, context);
    expect(reported).toEqual([expect.objectContaining({ token_type: 'Bearer', scopes: ['http.pets'] })]);
  });

  it('runs the API of the tenant whose manifest the call resolved to, never the caller tenant first', async () => {
    const acmeCtx = (manifestTenant?: string): InvocationContext => ({
      ...ctx('http.pets:show'),
      principal: { subject: 'agent', tenant: 'acme', roles: [], scopes: [], kind: 'jwt' },
      manifestTenant,
    });
    const input = { path: { petId: '1' } };
    expect(await provider.invoke(tool('http.pets:show'), input, acmeCtx('public'))).toMatchObject({
      status: 200,
    });
    expect(asked).toEqual(['public']);
    const unresolved = await provider
      .invoke(tool('http.pets:show'), input, acmeCtx())
      .catch((e: unknown) => e);
    expect(unresolved).toMatchObject({ status: 404 });
    expect(asked).toEqual(['public']);
    expect(seen).toHaveLength(1);
  });

  it('never answers the API secret, in any form, from a 2xx or an error body', async () => {
    const forms = [
      ECHO_SECRET,
      encodeURIComponent(ECHO_SECRET),
      new URLSearchParams({ s: ECHO_SECRET }).toString().slice(2),
      ECHO_SECRET.replaceAll('/', '\\/'),
    ];
    const ok = (await call('http.echo:echo')) as { body: Record<string, string> };
    const missing = (await call('http.echo:echo-missing')) as { extensions: Record<string, unknown> };
    // The gateway sent the secret form-encoded in the query, and the upstream echoed it back in every form.
    expect(seen.map((request) => request.url)).toEqual([
      `/v1/echo?api_key=${forms[2]}`,
      `/v1/echo-missing?api_key=${forms[2]}`,
    ]);
    expect(ok.body).toEqual({
      self: `${echo.baseUrl}/echo?api_key=[redacted]`,
      k: '[redacted]',
      php: '[redacted]',
    });
    expect(missing).toMatchObject({ status: 404, extensions: { upstream_status: 404 } });
    for (const answer of [JSON.stringify(ok), JSON.stringify(missing.extensions)]) {
      for (const form of forms) expect(answer).not.toContain(form);
    }
  });

  it('sends the JSON body', async () => {
    await call('http.pets:create', { body: { id: 1, name: 'Rex' } });
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"id":1,"name":"Rex"}' });
    expect(seen[0].headers['content-type']).toBe('application/json');
  });

  it('refuses path values that would climb out of the base path', async () => {
    expect(await call('http.pets:show', { path: { petId: '..' } })).toMatchObject({ status: 422 });
    expect(seen).toEqual([]);
  });

  it('answers 422 with a pointer, never calling the upstream, for values HTTP cannot carry', async () => {
    for (const [input, pointer] of [
      [{ path: { petId: '\ud800' } }, '/path/petId'],
      [{ path: { petId: '1' }, query: { limit: ['1', 'x\udfff'] } }, '/query/limit/1'],
      [{ path: { petId: '1' }, headers: { 'X-Trace': 'Ā' } }, '/headers/X-Trace'],
    ] as const) {
      expect(await call('http.pets:show', input)).toMatchObject({
        status: 422,
        code: 'REQUEST.VALIDATION_FAILED',
        errors: [expect.objectContaining({ pointer })],
      });
    }
    expect(seen).toEqual([]);
  });

  it.each([
    ['redirect', 502, 'PROVIDER.UPSTREAM_ERROR'],
    ['missing', 404, 'PROVIDER.UPSTREAM_NOT_FOUND'],
    ['denied', 502, 'PROVIDER.UPSTREAM_ERROR'],
    ['broken', 502, 'PROVIDER.UPSTREAM_ERROR'],
    ['big', 502, 'PROVIDER.UPSTREAM_ERROR'],
  ])('maps upstream %s to %i', async (name, status, code) => {
    expect(await call(`http.pets:${name}`)).toMatchObject({ status, code });
  });

  it('passes the upstream error body on for 404, and follows no redirect', async () => {
    expect(await call('http.pets:missing')).toMatchObject({
      extensions: { upstream_status: 404, upstream_error: { message: 'no pet' } },
    });
    await call('http.pets:redirect');
    expect(seen.map((request) => request.url)).toEqual(['/v1/missing', '/v1/redirect']);
  });

  it('answers 504 when the upstream is slower than the deadline', async () => {
    expect(await call('http.pets:slow', {}, 100)).toMatchObject({ status: 504, code: 'PROVIDER.TIMEOUT' });
  });

  it('answers 504 at the deadline when the body stalls after the headers', async () => {
    const started = Date.now();
    expect(await call('http.pets:stall', {}, 100)).toMatchObject({ status: 504, code: 'PROVIDER.TIMEOUT' });
    // At the 100 ms deadline, long before the body's end (30 s); slack for a loaded machine.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('opens at most HTTP_PROVIDER_MAX_CONNECTIONS sockets to an origin; further calls wait for one', async () => {
    expect(loadHttpProviderConfig({}).maxConnections).toBe(128);
    expect(() => loadHttpProviderConfig({ HTTP_PROVIDER_MAX_CONNECTIONS: '0' })).toThrow(
      /HTTP_PROVIDER_MAX_CONNECTIONS/,
    );
    const narrow = new HttpApiClient(
      loadHttpProviderConfig({
        HTTP_PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
        HTTP_PROVIDER_MAX_CONNECTIONS: '2',
      }),
    );
    const limited = new HttpProviderService(registry, narrow, broker);
    const sockets = new Set<unknown>();
    const seeRequest = (req: IncomingMessage) => void (req.url === '/v1/slow' && sockets.add(req.socket));
    server.on('request', seeRequest);
    try {
      const calls = Array.from({ length: 4 }, () =>
        limited.invoke(tool('http.pets:slow'), {}, ctx('http.pets:slow', 20_000)),
      );
      expect(await Promise.all(calls)).toHaveLength(4);
      expect(sockets.size).toBe(2);
    } finally {
      server.off('request', seeRequest);
      await narrow.onApplicationShutdown();
    }
  });

  it("waits for the API's credential until the deadline at most, then answers the broker's 504 saying nothing ran", async () => {
    const stalled = { issue: () => new Promise<never>(() => undefined) };
    broker.register('http:public/pets', stalled);
    try {
      const late = await Promise.race([
        call('http.pets:show', { path: { petId: '1' } }, 50),
        new Promise((resolve) => setTimeout(resolve, 1_000, 'still waiting')),
      ]);
      expect(late).toBeInstanceOf(CredentialTimeoutException);
      expect(late).toMatchObject({ status: 504, detail: expect.stringMatching(/safe to retry/) });
      expect(raisedBeforeUpstream(late)).toBe(true);
      expect(seen).toEqual([]);
    } finally {
      broker.register(
        'http:public/pets',
        new StaticSecretSource('http:public/pets', 'HTTP_API_TEST_PETS_KEY'),
      );
    }
  });

  it('answers 503 when the secret variable is not set', async () => {
    delete process.env.HTTP_API_TEST_PETS_KEY;
    broker.register('http:public/pets', new StaticSecretSource('http:public/pets', 'HTTP_API_TEST_PETS_KEY'));
    expect(await call('http.pets:show', { path: { petId: '1' } })).toMatchObject({ status: 503 });
    process.env.HTTP_API_TEST_PETS_KEY = 'upstream-secret';
  });
});
