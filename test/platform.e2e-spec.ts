import { startGateway, type TestGateway } from './support/gateway';
import { PostgresChild } from './support/postgres-child';
import { ProbeModule } from './support/probe.module';

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

    it('answers an unsupported content type with 415', async () => {
      const response = await gw.request('/__probe/echo', {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: '<a/>',
      });
      await expectProblem(response, 415);
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
