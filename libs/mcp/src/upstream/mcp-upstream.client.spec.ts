import { type Logger } from '@nestjs/common';

import { loadMcpConfig, type McpConfig } from '../mcp.config';
import {
  type FakeUpstream,
  type FakeUpstreamOptions,
  startFakeUpstream,
} from '../testing/fake-upstream.util';
import { httpServerSpec } from '../testing/server-spec.util';
import { McpUpstreamClient } from './mcp-upstream.client';

const quiet = { log: () => undefined, warn: () => undefined, debug: () => undefined } as unknown as Logger;

describe('McpUpstreamClient', () => {
  it('closes only once a resync handing tools to discovery is done, and hands nothing over after', async () => {
    let release = () => undefined as void;
    const handed: string[] = [];
    const client = new McpUpstreamClient(httpServerSpec('crm'), {
      config: loadMcpConfig({}),
      fetch: async () => new Response(null, { status: 503 }),
      authorization: async () => undefined,
      onTools: (spec) => (handed.push(spec.name), new Promise<void>((done) => (release = done))),
      logger: quiet,
    });
    jest.spyOn(client, 'request').mockResolvedValue([]);
    void client.resync();
    for (let tick = 0; tick < 10 && handed.length === 0; tick += 1) await Promise.resolve();
    expect(handed).toEqual(['crm']);
    let closed = false;
    const closing = client.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    release();
    await closing;
    await client.resync();
    expect(handed).toEqual(['crm']);
  });

  it('closes at once while a resync waits for an upstream that never answers, and hands nothing over', async () => {
    const handed: string[] = [];
    const aborted: boolean[] = [];
    const client = new McpUpstreamClient(httpServerSpec('hung'), {
      config: { ...loadMcpConfig({}), connectTimeoutMs: 5_000 },
      // Accepts the request and never answers; notes whether the request was aborted.
      fetch: (_url, init) =>
        new Promise<Response>(() =>
          init?.signal?.addEventListener('abort', () => aborted.push(true), { once: true }),
        ),
      authorization: async () => undefined,
      onTools: async (spec) => void handed.push(spec.name),
      logger: quiet,
    });
    const resync = client.resync();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await client.close();
    await resync;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(aborted).toEqual([true]);
    expect(client.status.state).toBe('closed');
    await client.resync();
    expect(handed).toEqual([]);
  });

  it('closes at once even when the stuck connection ignores the abort', async () => {
    const handed: string[] = [];
    const client = new McpUpstreamClient(httpServerSpec('deaf'), {
      config: { ...loadMcpConfig({}), connectTimeoutMs: 5_000 },
      fetch: () => new Promise<Response>(() => undefined),
      authorization: async () => undefined,
      onTools: async (spec) => void handed.push(spec.name),
      logger: quiet,
    });
    const resync = client.resync();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await Promise.all([client.close(), resync]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(handed).toEqual([]);
  });

  it('retries discovery with doubling backoff, never throws, and reports the upstream down', async () => {
    const attempts: number[] = [];
    const started = Date.now();
    const client = new McpUpstreamClient(httpServerSpec('gone', { source: 'env' }), {
      config: { ...loadMcpConfig({}), discoveryRetries: 3, discoveryBackoffMs: 40, reconnectMaxMs: 10_000 },
      fetch: async () => {
        attempts.push(Date.now() - started);
        throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      },
      authorization: async () => undefined,
      onTools: async () => undefined,
      logger: quiet,
    });
    client.start();
    for (let waited = 0; attempts.length < 4 && waited < 3000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await client.close();
    // Immediately, then the retries 40, 80 and 160 ms apart.
    const gaps = attempts.slice(1, 4).map((at, index) => at - attempts[index]);
    expect(gaps[0]).toBeGreaterThanOrEqual(38);
    expect(gaps[1]).toBeGreaterThanOrEqual(78);
    expect(gaps[2]).toBeGreaterThanOrEqual(158);
    expect(client.status).toMatchObject({ state: 'closed', last_error: 'ECONNREFUSED' });
    await expect(client.request('tools/list', async () => 1)).rejects.toMatchObject({ status: 502 });
  });
});

describe('McpUpstreamClient against a misbehaving upstream', () => {
  const upstreams: FakeUpstream[] = [];
  const clients: McpUpstreamClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(upstreams.splice(0).map((upstream) => upstream.close()));
  });

  async function connect(options: FakeUpstreamOptions, config: Partial<McpConfig> = {}) {
    const upstream = await startFakeUpstream(options);
    const listed: string[][] = [];
    const client = new McpUpstreamClient(httpServerSpec('fake', { url: upstream.url }), {
      config: { ...loadMcpConfig({}), pingIntervalMs: 0, ...config },
      fetch: (url, init) => fetch(url, init),
      authorization: async () => undefined,
      onTools: async (_, tools) => void listed.push(tools.map(({ name }) => name)),
      logger: quiet,
    });
    upstreams.push(upstream);
    clients.push(client);
    const count = (method: string) => upstream.methods.filter((name) => name === method).length;
    return { upstream, client, listed, count };
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('never runs an upstream outputSchema pattern: a backtracking one cannot block the event loop', async () => {
    const pattern = { type: 'object', properties: { x: { type: 'string', pattern: '^(a+)+$' } } };
    const { client } = await connect({
      tools: () => [{ name: 'lookup', inputSchema: { type: 'object' }, outputSchema: pattern }],
      structured: { x: `${'a'.repeat(25)}!` },
    });
    await client.resync();
    const started = Date.now();
    const result = await client.request('tools/call', (session) =>
      session.callTool({ name: 'lookup', arguments: {} }, undefined, { timeout: 5_000 }),
    );
    expect(Date.now() - started).toBeLessThan(200);
    expect(result.structuredContent).toEqual({ x: `${'a'.repeat(25)}!` });
  });

  it('lists tools whose outputSchema does not compile, without reconnecting', async () => {
    const broken = { type: 'object', properties: { x: { $ref: '#/definitions/missing' } } };
    const { client, listed, count } = await connect({
      tools: () => [
        { name: 'good', inputSchema: { type: 'object' } },
        { name: 'odd', inputSchema: { type: 'object' }, outputSchema: broken },
      ],
    });
    client.start();
    await sleep(1_500);
    expect(count('initialize')).toBeLessThanOrEqual(2);
    expect(listed[0]).toContain('good');
    expect(client.status).toMatchObject({ state: 'up', last_error: null });
  });

  it('keeps the session when tools/list answers garbage, and lists again backing off', async () => {
    let valid = false;
    const { client, listed, count } = await connect(
      { tools: () => [valid ? { name: 'ok', inputSchema: { type: 'object' } } : { name: 'bad' }] },
      { discoveryBackoffMs: 50 },
    );
    client.start();
    await sleep(1_000);
    // One session; listings at about 0, 50, 150, 350 and 750 ms (not one every 50 ms).
    expect(count('initialize')).toBe(1);
    expect(count('tools/list')).toBeGreaterThanOrEqual(3);
    expect(count('tools/list')).toBeLessThanOrEqual(6);
    expect(client.status).toMatchObject({
      state: 'up',
      last_error: 'discovery failed: MCP server fake answered a malformed result.',
    });
    valid = true;
    for (let waited = 0; listed.length === 0 && waited < 3_000; waited += 50) await sleep(50);
    expect(listed).toEqual([['ok']]);
    expect(client.status.last_error).toBeNull();
  });

  it('backs off reconnecting when every session fails its tools/list', async () => {
    const { client, count } = await connect(
      { tools: () => [], failing: () => ['tools/list'] },
      { discoveryBackoffMs: 50, reconnectMaxMs: 10_000 },
    );
    client.start();
    await sleep(1_000);
    // Sessions at about 0, 50, 150, 350 and 750 ms: the failures count until a listing succeeds.
    expect(count('initialize')).toBeGreaterThanOrEqual(3);
    expect(count('initialize')).toBeLessThanOrEqual(6);
    expect(client.status.state).toBe('down');
  });
});
