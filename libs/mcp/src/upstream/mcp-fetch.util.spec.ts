import { type FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

import { McpAnswerTooLargeException, McpRedirectException } from '../mcp.exception';
import { ANSWER_TOO_LARGE_CODE, cappedFetch } from './mcp-fetch.util';

const LIMIT = 1024;

/** A body streamed in `chunks` pieces, so nothing announces its length. */
function streamed(text: string, chunks = 8): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const size = Math.ceil(bytes.length / chunks);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += size)));
    },
  });
}

function upstream(response: () => Response) {
  const seen: RequestInit[] = [];
  const base: FetchLike = async (_url, init) => (seen.push(init ?? {}), response());
  return {
    seen,
    fetch: cappedFetch(base, { server: 'big', maxBytes: LIMIT, onStreamTooLarge: () => undefined }),
  };
}

const json = (body: string, headers: Record<string, string> = {}) =>
  new Response(streamed(body), { headers: { 'content-type': 'application/json', ...headers } });
const sse = (body: string) =>
  new Response(streamed(body), { headers: { 'content-type': 'text/event-stream' } });
const request = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: {} });

describe('cappedFetch', () => {
  it('passes answers within the limit through unchanged, never following redirects', async () => {
    const { seen, fetch } = upstream(() => json('{"ok":true}'));
    expect(await (await fetch('http://x/mcp', { method: 'POST' })).json()).toEqual({ ok: true });
    expect(seen[0].redirect).toBe('manual');
  });

  it('fails a JSON answer past the limit with a 502 naming it, announced or not', async () => {
    const big = `"${'x'.repeat(LIMIT * 4)}"`;
    const error = await (
      await upstream(() => json(big)).fetch('http://x/mcp')
    )
      .json()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAnswerTooLargeException);
    expect(error).toMatchObject({ status: 502, extensions: { server: 'big', limit_bytes: LIMIT } });
    const announced = upstream(() => json(big, { 'content-length': String(big.length) }));
    await expect(announced.fetch('http://x/mcp')).rejects.toBeInstanceOf(McpAnswerTooLargeException);
  });

  it('answers a redirect with a 502', async () => {
    const { fetch } = upstream(() => new Response(null, { status: 307, headers: { location: 'http://y/' } }));
    await expect(fetch('http://x/mcp')).rejects.toBeInstanceOf(McpRedirectException);
  });

  it('caps each SSE event, not the stream, and answers the POST’s request with a JSON-RPC error', async () => {
    const small = `data: ${'a'.repeat(LIMIT / 2)}\n\n`;
    const ok = await (await upstream(() => sse(small.repeat(6))).fetch('http://x/mcp')).text();
    expect(ok).toBe(small.repeat(6));
    const big = `${small}data: ${'b'.repeat(LIMIT * 3)}\n\n${small}`;
    const text = await (
      await upstream(() => sse(big)).fetch('http://x/mcp', { method: 'POST', body: request })
    ).text();
    const events = text.split('\n\n').filter((event) => event.startsWith('data: {'));
    expect(JSON.parse(events[0].slice(6))).toMatchObject({
      id: 7,
      error: { code: ANSWER_TOO_LARGE_CODE, data: { limit_bytes: LIMIT } },
    });
    expect(text.length).toBeLessThan(LIMIT * 3);
  });

  it('errors a notification stream with an event past the limit and reports it', async () => {
    let reported = 0;
    const base: FetchLike = async () => sse(`data: ${'b'.repeat(LIMIT * 3)}\r\n\r\n`);
    const fetch = cappedFetch(base, {
      server: 'big',
      maxBytes: LIMIT,
      onStreamTooLarge: () => (reported += 1),
    });
    await expect((await fetch('http://x/mcp', { method: 'GET' })).text()).rejects.toBeInstanceOf(
      McpAnswerTooLargeException,
    );
    expect(reported).toBe(1);
  });
});
