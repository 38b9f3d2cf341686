import { type NestFastifyApplication } from '@nestjs/platform-fastify';

import { startGateway, type TestGateway } from './support/gateway';
import { PostgresChild } from './support/postgres-child';
import { ProbeModule } from './support/probe.module';
import { type RawExchange, rawExchange, rawRequest } from './support/raw-request';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A problem answer written outside Nest (parser errors, 417, 503 while closing) looks like any other. */
function expectRawProblem(answer: RawExchange, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: expect.stringMatching(/^urn:toolgate:problem:/) });
  expect(body.request_id).toBe(answer.headers['x-request-id']);
}

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^urn:toolgate:problem:/) });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(typeof body.instance).toBe('string');
  expect(body.request_id).toBe(response.headers.get('x-request-id'));
  expect(JSON.stringify(body)).not.toMatch(/stack|\.ts:\d+/);
  return body;
}

describe('platform (e2e over HTTP)', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({ imports: [ProbeModule] });
  });
  afterAll(() => gw.close());

  describe('problem+json errors', () => {
    it('answers an unknown route with 404', async () => {
      const body = await expectProblem(await gw.request('/no/such/route?token=abc'), 404);
      expect(body.instance).toBe('/no/such/route');
    });

    it('answers a path the router refuses (bad percent-encoding, over-long parameter) the same way', async () => {
      for (const [toolId, status, code] of [
        ['%E0%A4%A', 400, 'REQUEST.BAD_URL'],
        ['x'.repeat(513), 414, 'REQUEST.PATH_PARAM_TOO_LONG'],
      ] as const) {
        const response = await gw.request(`/tools/${toolId}/invoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect((await expectProblem(response, status)).code).toBe(code);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      }
    });

    it('answers malformed JSON with 400', async () => {
      const response = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name": "x",',
      });
      expect((await expectProblem(response, 400)).code).toBe('REQUEST.MALFORMED_JSON');
    });

    it('refuses a body nested deeper than 300 levels before parsing it, unauthenticated or not', async () => {
      const levels = 524_000; // 1 MiB of brackets: parsing alone held the event loop for about 300 ms
      const started = performance.now();
      const response = await gw.request('/tools/x/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `${'['.repeat(levels)}${']'.repeat(levels)}`,
      });
      const problem = await expectProblem(response, 400);
      expect(problem).toMatchObject({ code: 'REQUEST.JSON_TOO_DEEP' });
      expect(problem.detail).toContain('300');
      expect(performance.now() - started).toBeLessThan(5_000);
      const shallow = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '[{'.repeat(20), count: 2, email: 'a@example.com' }),
      });
      expect(shallow.status).toBe(200);
    });

    it('answers an unsupported content type with 415 naming the type sent and the one required', async () => {
      const response = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: '<a/>',
      });
      const problem = await expectProblem(response, 415);
      expect(problem.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
      expect(problem.detail).toMatch(/sent as text\/xml\b.*application\/json/);

      const detailOf = async (headers: Record<string, string>) => {
        const answer = await rawRequest(gw.baseUrl, '/__probe/echo', headers, 'POST', 'a=b');
        expect(answer.status).toBe(415);
        expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
        const body = answer.json();
        expect(body).toMatchObject({
          code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
          request_id: answer.headers['x-request-id'],
        });
        return String(body.detail);
      };
      // Only the type/subtype, in lower case: parameters (a boundary, anything a client put there) stay out.
      const withParameters = await detailOf({ 'content-type': 'Text/Plain; charset=utf-8; token=s3cr3t' });
      expect(withParameters).toMatch(/sent as text\/plain\b.*application\/json/);
      expect(withParameters).not.toMatch(/charset|token|s3cr3t/);
      // Cut to 100 characters.
      const long = await detailOf({ 'content-type': `application/x-${'y'.repeat(5_000)}` });
      expect(long).toContain(`application/x-${'y'.repeat(86)}…`);
      expect(long.length).toBeLessThan(250);
      // No media type to quote: none at all, or a header that is not one.
      expect(await detailOf({ 'content-length': '3' })).toMatch(/no Content-Type.*application\/json/);
      for (const header of ['not-a-type', 'text/<b>x</b>'])
        expect(await detailOf({ 'content-type': header })).toMatch(
          /not a valid media type.*application\/json/,
        );
    });

    it('takes an empty body as no body, whatever its content type, but refuses any other non-JSON body', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/xml']) {
        const empty = await gw.request('/policy/reload', {
          method: 'POST',
          headers: { 'content-type': type },
        });
        expect([type, empty.status]).toEqual([type, 401]);
        const full = await gw.request('/policy/reload', {
          method: 'POST',
          headers: { 'content-type': type },
          body: 'a=b',
        });
        expect([type, full.status]).toEqual([type, 415]);
      }
    });

    it('answers a body over 1 MiB with 413', async () => {
      const response = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }),
      });
      await expectProblem(response, 413);
    });

    it('answers validation errors with 422 listing every problem', async () => {
      const response = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 3, count: 99, email: 'nope', extra: true }),
      });
      const body = await expectProblem(response, 422);
      const pointers = (body.errors as { pointer: string }[]).map((error) => error.pointer);
      expect(pointers).toEqual(expect.arrayContaining(['/name', '/count', '/email', '/extra']));
    });

    it('passes a valid body through', async () => {
      const response = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'a', count: 2, email: 'a@example.com' }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ name: 'a', count: 2, email: 'a@example.com' });
    });

    it('answers an empty JSON body as malformed JSON, not a generic 400', async () => {
      const response = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '',
      });
      expect((await expectProblem(response, 400)).code).toBe('REQUEST.MALFORMED_JSON');
    });

    it('answers an unmatched route with the neutral 404 whatever the method (no echo of method or path)', async () => {
      for (const method of ['PROPFIND', 'SEARCH', 'MKCOL']) {
        const response = await rawRequest(gw.baseUrl, '/no/<b>such</b>', {}, method);
        expect(response.status).toBe(404);
        const body = response.json();
        expect(body).toMatchObject({
          code: 'RESOURCE.NOT_FOUND',
          detail: 'No route matches this method and path.',
        });
        expect(response.body).not.toContain(method);
        expect(response.body).not.toContain('<b>');
      }
    });

    it('lists at most 100 violations, saying there were more, and answers a flood of unknown keys fast', async () => {
      const flood: Record<string, unknown> = { name: 'a', count: 2, email: 'a@example.com' };
      for (let i = 0; i < 90_000; i += 1) flood[`k${i}`] = 0;
      const started = performance.now();
      const response = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...flood, 'a/b~c': 1 }),
      });
      const body = await expectProblem(response, 422);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(body.errors).toHaveLength(100);
      expect(body.errors_truncated).toBe(true);
      const escaped = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'a', count: 2, email: 'a@example.com', 'a/b~c': 1 }),
      });
      const one = await expectProblem(escaped, 422);
      expect(one.errors).toEqual([{ pointer: '/a~1b~0c', detail: 'property a/b~c should not exist' }]);
      expect(one.errors_truncated).toBeUndefined();
    });

    it('takes a megabyte of free-form members in a DTO body in about the time of parsing it', async () => {
      const schema: Record<string, number> = {};
      for (let i = 0; i < 110_000; i += 1) schema[i.toString(36)] = 0;
      const send = (body: unknown) =>
        gw.request('/__probe/schema', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const started = performance.now();
      const response = await send({ schema });
      // class-transformer copied such an object member by member: 8 to 16 seconds of a blocked event loop.
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ members: 110_000 });
      // Outside free-form objects, members and items are bounded before anything walks them.
      const tags = Array.from({ length: 200_000 }, () => 'x');
      const flooded = await expectProblem(await send({ schema: {}, tags }), 422);
      expect(flooded.errors).toEqual([
        { pointer: '/tags', detail: expect.stringContaining('past 2000 members') },
      ]);
    });

    it.each([
      ['a malformed request line', 'FOO BAR\r\n\r\n', 400, 'REQUEST.MALFORMED_HTTP'],
      [
        'a space in a header name',
        'GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
        400,
        'REQUEST.MALFORMED_HTTP',
      ],
      [
        'CR/LF inside X-Request-Id',
        'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\r\n def\r\n\r\n',
        400,
        'REQUEST.MALFORMED_HTTP',
      ],
      [
        'headers over the size limit',
        `GET /health/live HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'REQUEST.HEADERS_TOO_LARGE',
      ],
      [
        'an Expect other than 100-continue',
        'POST /__probe/echo HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nContent-Length: 0\r\n\r\n',
        417,
        'REQUEST.EXPECTATION_FAILED',
      ],
    ])(
      'answers %s (refused before Nest sees a request) as problem+json with a request id',
      async (_, payload, status, code) => {
        const answer = await rawExchange(gw.baseUrl, payload);
        expectRawProblem(answer, status, code);
        if (status !== 417) expect(answer.headers['x-request-id']).toMatch(UUID);
      },
    );

    it('answers the leftover of a wrong Content-Length as problem+json too', async () => {
      const answers = await rawExchange(
        gw.baseUrl,
        'POST /__probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"a":1}',
      );
      // Whichever is written first (the 400 for the body or the one for the leftover), it is a problem.
      expect(answers.status).toBe(400);
      expect(answers.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answers.headers['x-request-id']).toBeTruthy();
    });

    it('answers an unexpected error with 500, no internals, and logs the stack with the request id', async () => {
      const response = await gw.request('/__probe/boom', { method: 'POST' });
      const body = await expectProblem(response, 500);
      expect(JSON.stringify(body)).not.toContain('hunter2');
      expect(JSON.stringify(body)).not.toContain('/srv/internal');
      const logged = gw.logs.lines.find(
        (line) => line.request_id === body.request_id && String(line.err ?? '').includes('Error'),
      );
      expect(logged).toBeDefined();
    });
  });

  describe('request ids', () => {
    it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
      const kept = await gw.request('/health/live', { headers: { 'x-request-id': 'trace-123.abc' } });
      expect(kept.headers.get('x-request-id')).toBe('trace-123.abc');
      const replaced = await gw.request('/health/live', {
        headers: { 'x-request-id': 'bad id\twith spaces' },
      });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('logs', () => {
    it('writes one JSON line per request with request id, route, status and latency, secrets redacted', async () => {
      await gw.request('/health/live', {
        headers: {
          authorization: 'Bearer super-secret-token-value',
          cookie: 'sid=cookie-secret',
          'x-request-id': 'log-test-1',
        },
      });
      const line = gw.logs.lines.find(
        (entry) => entry.request_id === 'log-test-1' && entry.msg === 'request completed',
      );
      expect(line).toMatchObject({
        route: '/health/live',
        method: 'GET',
        path: '/health/live',
        res: { status: 200 },
      });
      expect(typeof line?.latency_ms).toBe('number');
      expect(gw.logs.text()).not.toContain('super-secret-token-value');
      expect(gw.logs.text()).not.toContain('cookie-secret');
    });
  });

  describe('security headers and CORS', () => {
    it('sets helmet headers on every response and no CORS headers by default', async () => {
      const response = await gw.request('/health/live', { headers: { origin: 'https://evil.example' } });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const problem = await gw.request('/nope');
      expect(problem.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('allows only the origins listed in CORS_ORIGINS', async () => {
      const cors = await startGateway({
        env: { CORS_ORIGINS: 'https://app.example.com, https://ops.example.com' },
      });
      try {
        const allowed = await cors.request('/health/live', {
          headers: { origin: 'https://app.example.com' },
        });
        expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
        const denied = await cors.request('/health/live', { headers: { origin: 'https://evil.example' } });
        expect(denied.headers.get('access-control-allow-origin')).toBeNull();
      } finally {
        await cors.close();
      }
    });
  });

  describe('docs and metrics', () => {
    it('serves Swagger UI and a valid OpenAPI 3 document with a bearer scheme', async () => {
      const ui = await gw.request('/docs');
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger');
      const doc = (await (await gw.request('/docs-json')).json()) as Record<string, any>;
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/health', '/health/live', '/health/ready', '/metrics']),
      );
    });

    it('serves only the files the Swagger UI loads, not the rest of swagger-ui-dist', async () => {
      for (const file of [
        'swagger-ui.css',
        'swagger-ui-bundle.js',
        'swagger-ui-init.js',
        'favicon-32x32.png',
      ]) {
        const asset = await gw.request(`/docs/${file}`);
        expect(asset.status).toBe(200);
        await asset.arrayBuffer(); // read to the end, so the connection is free when the app closes
      }
      for (const file of [
        'package.json',
        'README.md',
        'swagger-ui-bundle.js.map',
        'index.js',
        'absolute-path.js',
      ])
        await expectProblem(await gw.request(`/docs/${file}`), 404);
    });

    it('counts the requests of this test in /metrics', async () => {
      const counter = async (): Promise<number> => {
        const text = await (await gw.request('/metrics')).text();
        const match = text.match(
          /^http_requests_total\{method="GET",route="\/health\/live",status_code="200"\} (\d+)$/m,
        );
        return match ? Number(match[1]) : 0;
      };
      const before = await counter();
      for (let i = 0; i < 5; i += 1) await gw.request('/health/live');
      expect(await counter()).toBe(before + 5);
      const text = await (await gw.request('/metrics')).text();
      expect(text).toContain('http_request_duration_seconds_bucket');
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toMatch(/route="unmatched",status_code="404"/);
    });
  });

  describe('health', () => {
    it('reports liveness, readiness and heap usage', async () => {
      expect((await gw.request('/health/live')).status).toBe(200);
      const ready = await gw.request('/health/ready');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
      const full = (await (await gw.request('/health')).json()) as Record<string, any>;
      expect(full.info.memory.memory_usage_percent).toEqual(expect.any(Number));
      expect(full.info.database.status).toBe('up');
    });
  });
});

describe('shutting down (e2e)', () => {
  it('answers requests that arrive once shutdown began with 503 problem+json and closes the connection', async () => {
    const gw = await startGateway();
    try {
      const adapter = (gw.app as NestFastifyApplication).getHttpAdapter() as unknown as {
        beforeClose(): void;
      };
      adapter.beforeClose(); // what Nest's app.close() calls first, before any shutdown hook
      const answer = await rawExchange(
        gw.baseUrl,
        'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-Id: drain-1\r\n\r\n',
      );
      expectRawProblem(answer, 503, 'SERVICE.SHUTTING_DOWN');
      expect(answer.headers['x-request-id']).toBe('drain-1');
      expect(answer.headers.connection).toBe('close');
    } finally {
      await gw.close();
    }
  });
});

describe('readiness follows the database (e2e)', () => {
  it('goes 503 when the database stops and 200 when it is back, without a restart', async () => {
    const postgres = await PostgresChild.create();
    const gw = await startGateway({ databaseUrl: await postgres.start() });
    try {
      expect((await gw.request('/health/ready')).status).toBe(200);
      await postgres.stop();
      // A ping is reused for a second: poll past it.
      let down = await gw.request('/health/ready');
      for (let attempt = 0; attempt < 20 && down.status !== 503; attempt += 1) {
        await new Promise((done) => setTimeout(done, 250));
        down = await gw.request('/health/ready');
      }
      expect(down.status).toBe(503);
      expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const text = await down.text();
      expect(JSON.parse(text)).toMatchObject({ status: 503, error: { database: { status: 'down' } } });
      // State, never the driver's reason (it names hosts, addresses and roles).
      expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect|password|message/);
      expect((await gw.request('/health/live')).status).toBe(200);
      await postgres.start();
      let status = 0;
      for (let attempt = 0; attempt < 40 && status !== 200; attempt += 1) {
        status = (await gw.request('/health/ready')).status;
        if (status !== 200) await new Promise((done) => setTimeout(done, 250));
      }
      expect(status).toBe(200);
    } finally {
      await gw.close();
      await postgres.dispose();
    }
  });
});
