import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { runSql, TestProviderService } from '@toolgate/testing';

import { bearer, devToken } from './support/auth-fixtures';
import { type CatalogGateway, PEOPLE, startCatalogGateway } from './support/catalog-gateway';

const invoke = (
  cg: CatalogGateway,
  who: string,
  toolId: string,
  body: unknown,
  headers: Record<string, string> = {},
) => cg.call(who, `/tools/${toolId}/invoke`, { method: 'POST', body, headers });

describe('tool invocation (e2e over HTTP)', () => {
  let cg: CatalogGateway;
  let calls: Map<string, number>;

  beforeAll(async () => {
    cg = await startCatalogGateway();
    calls = cg.gw.app.get(TestProviderService).calls;
  });
  afterAll(() => cg.close());

  it('runs a tool and answers { toolId, result, token_meta, correlation_id }', async () => {
    const answer = await invoke(cg, 'reader', 'test:echo', { message: 'hello' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      toolId: 'test:echo',
      result: expect.objectContaining({ message: 'hello' }),
      token_meta: { token_type: 'none', expires_in: 0, scopes: [] },
      correlation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(answer.body.correlation_id).not.toBe(answer.headers.get('x-request-id'));
    expect(answer.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
  });

  it('answers 404 for an unknown tool and for a tool of another tenant, alike', async () => {
    const unknown = await invoke(cg, 'reader', 'test:nope', {});
    expect(unknown.status).toBe(404);
    const registered = await cg.call('globexAdmin', '/manifests/register', {
      method: 'POST',
      body: {
        toolId: 'test:globex-only',
        name: 'Globex only',
        description: 'A tenant tool.',
        inputs: { type: 'object', additionalProperties: false },
        outputs: { type: 'object' },
        required_scopes: ['test.read'],
        provider_id: 'test',
        tenant: 'globex',
      },
    });
    expect(registered.status).toBe(201);
    const foreign = await invoke(cg, 'reader', 'test:globex-only', {});
    expect(foreign.status).toBe(404);
    expect({ ...foreign.body, request_id: '', instance: '', detail: '' }).toEqual({
      ...unknown.body,
      request_id: '',
      instance: '',
      detail: '',
    });
  });

  it('answers 403 naming the rule when policy denies', async () => {
    const denied = await invoke(cg, 'nobody', 'test:echo', { message: 'x' });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'POLICY.DENIED', denied_by: 'default-deny' });
    expect(denied.body.detail).toContain('default-deny');
  });

  it('answers 422 listing every violation of the inputs schema, with JSON pointers', async () => {
    const invalid = await invoke(cg, 'reader', 'test:slow', { ms: 'soon', extra: 1 });
    expect(invalid.status).toBe(422);
    const pointers = (invalid.body.errors as { pointer: string }[]).map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/ms']));
    expect(invalid.body.errors.length).toBeGreaterThanOrEqual(2);
    expect((await invoke(cg, 'reader', 'test:echo', [1, 2])).status).toBe(422);
  });

  it('maps provider failures: upstream error 502, deadline 504, unconfigured 503 naming the variable', async () => {
    const failed = await invoke(cg, 'reader', 'test:fail', {});
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe('PROVIDER.UPSTREAM_ERROR');
    const started = Date.now();
    const slow = await invoke(cg, 'reader', 'test:slow', { ms: 5000 });
    expect(slow.status).toBe(504);
    // Answered at the deadline, well before the 5 s the provider would take (slack for a loaded CI machine).
    expect(Date.now() - started).toBeLessThan(4_000);
    const unconfigured = await invoke(cg, 'reader', 'test:fetch', {});
    expect(unconfigured.status).toBe(503);
    expect(unconfigured.body.detail).toContain('TEST_UPSTREAM_URL');
  });

  it('takes tool arguments as JSON only: other media types are 415 on invoke and confirm; +json is JSON', async () => {
    const before = calls.get('test:echo') ?? 0;
    const refusals = [
      ['application/x-www-form-urlencoded', 'message=hi'],
      ['text/plain', '{"message":"hi"}'],
      ['application/json-seq', '\u001e{"message":"hi"}\n'],
    ];
    for (const route of ['invoke', 'confirm']) {
      for (const [type, raw] of refusals) {
        const requestId = `media-${route}-${type.replace(/\W/g, '-')}`;
        const refused = await cg.call('reader', `/tools/test:echo/${route}`, {
          method: 'POST',
          raw,
          headers: { 'content-type': type, 'x-request-id': requestId },
        });
        expect([type, refused.status]).toEqual([type, 415]);
        expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(refused.body).toMatchObject({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', request_id: requestId });
      }
    }
    expect(calls.get('test:echo') ?? 0).toBe(before);
    const suffixed = await cg.call('reader', '/tools/test:echo/invoke', {
      method: 'POST',
      raw: JSON.stringify({ message: 'hi' }),
      headers: { 'content-type': 'application/vnd.example+json; charset=utf-8' },
    });
    expect(suffixed.status).toBe(200);
    expect(suffixed.body.result).toMatchObject({ message: 'hi' });
    // MCP's endpoint still takes its JSON-RPC.
    const token = await devToken(cg.runtimeDir, { subject: 'reader', ...PEOPLE.reader });
    const mcp = await cg.gw.request('/mcp', {
      method: 'POST',
      headers: {
        ...bearer(token),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(mcp.status).toBe(200);
    expect(await mcp.text()).toContain('"protocolVersion"');
  });

  it('holds a tool that needs confirmation: 202 with an action token, nothing runs', async () => {
    const before = calls.get('test:destroy') ?? 0;
    const held = await invoke(cg, 'writer', 'test:destroy', { target: 'x' });
    expect(held.status).toBe(202);
    expect(held.body).toEqual({
      requires_confirmation: true,
      action_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      action_token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      expires_at: expect.any(String),
      requires_approval: true,
      correlation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(calls.get('test:destroy') ?? 0).toBe(before);
  });

  it('never stores an action token through Idempotency-Key: a repeated hold is a new action', async () => {
    const headers = { 'idempotency-key': 'hold-1' };
    // `careful` holds every test call for confirmation (echo has no per-tool limit of its own).
    const first = await invoke(cg, 'careful', 'test:echo', { message: 'y' }, headers);
    const second = await invoke(cg, 'careful', 'test:echo', { message: 'y' }, headers);
    expect([first.status, second.status, second.body.code]).toEqual([202, 202, undefined]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.action_id).not.toBe(first.body.action_id);
    const stored = await runSql(cg.gw.databaseUrl, 'SELECT response_body FROM idempotency_keys');
    expect(JSON.stringify(stored)).not.toContain(first.body.action_token);
  });

  describe('Idempotency-Key', () => {
    it('replays the first response byte for byte without calling the provider again', async () => {
      const headers = { 'idempotency-key': 'replay-1' };
      const first = await invoke(cg, 'reader', 'test:echo', { message: 'once' }, headers);
      const count = calls.get('test:echo');
      const second = await invoke(cg, 'reader', 'test:echo', { message: 'once' }, headers);
      expect(second.status).toBe(first.status);
      expect(second.text).toBe(first.text);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(calls.get('test:echo')).toBe(count);
    });

    it('treats key order and whitespace as the same payload, other values as a different one (422)', async () => {
      const headers = { 'idempotency-key': 'canonical-1' };
      await invoke(cg, 'reader', 'test:echo', { message: 'a', count: 2 }, headers);
      const reordered = await cg.call('reader', '/tools/test:echo/invoke', {
        method: 'POST',
        headers,
        raw: '{ "count" : 2,\n  "message":"a" }',
      });
      expect(reordered.headers.get('idempotent-replayed')).toBe('true');
      const changed = await invoke(cg, 'reader', 'test:echo', { message: 'b', count: 2 }, headers);
      expect(changed.status).toBe(422);
      expect(changed.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    });

    it('scopes keys by subject: another caller with the same key runs its own call', async () => {
      const headers = { 'idempotency-key': 'shared-key' };
      await invoke(cg, 'reader', 'test:echo', { message: 'r' }, headers);
      const other = await invoke(cg, 'writer', 'test:echo', { message: 'w' }, headers);
      expect(other.status).toBe(200);
      expect(other.headers.get('idempotent-replayed')).toBeNull();
      expect(other.body.result).toMatchObject({ message: 'w' });
    });

    it('runs the provider exactly once for 50 concurrent requests with one key; the rest see 409 or a replay', async () => {
      const before = calls.get('test:slow') ?? 0;
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          invoke(cg, 'reader', 'test:slow', { ms: 300 }, { 'idempotency-key': 'race-1' }),
        ),
      );
      expect(calls.get('test:slow')).toBe(before + 1);
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
      expect(answers.filter((a) => a.status === 200 && !a.headers.get('idempotent-replayed'))).toHaveLength(
        1,
      );
      expect(answers.find((a) => a.status === 409)?.body.code ?? 'IDEMPOTENCY.IN_PROGRESS').toBe(
        'IDEMPOTENCY.IN_PROGRESS',
      );
    });

    it('refuses keys over 255 characters with 400', async () => {
      const tooLong = await invoke(
        cg,
        'reader',
        'test:echo',
        { message: 'x' },
        { 'idempotency-key': 'k'.repeat(256) },
      );
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.code).toBe('IDEMPOTENCY.KEY_INVALID');
    });

    it('treats a key left in flight as running until any call could have ended (660 s), then reclaims it', async () => {
      const headers = { 'idempotency-key': 'stale-1' };
      expect((await invoke(cg, 'reader', 'test:echo', { message: 'x' }, headers)).status).toBe(200);
      const leftInFlight = (seconds: number) =>
        runSql(
          cg.gw.databaseUrl,
          `UPDATE idempotency_keys SET status = 'in_flight', created_at = now() - make_interval(secs => $1)
            WHERE key = 'stale-1'`,
          [seconds],
        );
      // A call with the largest deadline (600 s) may still be running: never run it a second time.
      await leftInFlight(630);
      expect((await invoke(cg, 'reader', 'test:echo', { message: 'x' }, headers)).status).toBe(409);
      await leftInFlight(700);
      const reclaimed = await invoke(cg, 'reader', 'test:echo', { message: 'x' }, headers);
      expect(reclaimed.status).toBe(200);
      expect(reclaimed.headers.get('idempotent-replayed')).toBeNull();
    });

    it('replays a server error once the provider was called: a retry with the key never runs it again', async () => {
      for (const [tool, args, status] of [
        ['test:fail', {}, 502],
        ['test:slow', { ms: 5000 }, 504],
      ] as const) {
        const headers = { 'idempotency-key': `after-call-${status}` };
        const before = calls.get(tool) ?? 0;
        const first = await invoke(cg, 'reader', tool, args, headers);
        expect(first.status).toBe(status);
        const again = await invoke(cg, 'reader', tool, args, headers);
        expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([status, 'true']);
        expect(again.text).toBe(first.text);
        expect(calls.get(tool)).toBe(before + 1);
      }
    });

    it('releases the key after a server error from before the provider ran, so the client can retry', async () => {
      const headers = { 'idempotency-key': 'retry-after-503' };
      expect((await invoke(cg, 'reader', 'test:fetch', {}, headers)).status).toBe(503);
      const again = await invoke(cg, 'reader', 'test:fetch', {}, headers);
      expect(again.status).toBe(503);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
    });
  });
});

describe('token brokering (e2e)', () => {
  let upstream: Server;
  let seen: IncomingHttpHeaders[];
  let cg: CatalogGateway;

  beforeAll(async () => {
    seen = [];
    upstream = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
    process.env.TEST_UPSTREAM_URL = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    process.env.TEST_PROVIDER_TOKEN = 'provider-own-secret';
    cg = await startCatalogGateway();
  });
  afterAll(async () => {
    await cg.close();
    delete process.env.TEST_UPSTREAM_URL;
    delete process.env.TEST_PROVIDER_TOKEN;
    await new Promise<void>((done) => upstream.close(() => done()));
  });

  it("sends the provider's own credential upstream, never the agent's token, and returns only token_meta", async () => {
    const answer = await invoke(cg, 'reader', 'test:fetch', { path: '/records' });
    expect(answer.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0].authorization).toBe('Bearer provider-own-secret');
    expect(JSON.stringify(seen[0])).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(answer.body.token_meta).toEqual({ token_type: 'Bearer', expires_in: 300, scopes: ['test.read'] });
    expect(answer.text).not.toContain('provider-own-secret');
    expect(cg.gw.logs.text()).not.toContain('provider-own-secret');
  });
});

describe('rate limits (e2e)', () => {
  let cg: CatalogGateway;

  beforeAll(async () => {
    cg = await startCatalogGateway({ env: { RATE_LIMIT_DEFAULT_RPS: '1', RATE_BUCKET_BURST: '3' } });
  });
  afterAll(() => cg.close());

  it('answers 429 with Retry-After and RateLimit headers, without throttling another tenant', async () => {
    // All at once, well inside the 3 s window the first call opens (in a row, a slow machine could not be).
    const answers = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => invoke(cg, 'reader', 'test:echo', { message: String(i) })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 429, 429]);
    const limited = answers.find((answer) => answer.status === 429);
    expect(limited!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(limited!.headers.get('ratelimit-limit')).toBe('3');
    expect(limited!.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited!.body.code).toBe('RATE.LIMITED');
    const otherTenant = await invoke(cg, 'globexReader', 'test:echo', { message: 'fine' });
    expect(otherTenant.status).toBe(200);
    expect(otherTenant.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('keeps browsing the catalog out of the tools bucket', async () => {
    const catalog = await cg.call('writer', '/tool-catalog');
    expect(catalog.status).toBe(200);
    expect(catalog.headers.get('ratelimit-remaining')).toBe('2');
    expect(
      (await invoke(cg, 'writer', 'test:echo', { message: 'x' })).headers.get('ratelimit-remaining'),
    ).toBe('2');
  });
});
