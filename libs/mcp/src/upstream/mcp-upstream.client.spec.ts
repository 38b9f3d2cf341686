import { type Logger } from '@nestjs/common';

import { loadMcpConfig } from '../mcp.config';
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
