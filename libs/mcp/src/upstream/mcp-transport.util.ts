import { type Readable } from 'node:stream';

import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type FetchLike, type Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

import { type McpServerSpec } from '../mcp.types';

export interface TransportOptions {
  /** Outbound fetch (SSRF-guarded) used for every HTTP request of the session. */
  fetch: FetchLike;
  /** `Authorization` header value for the next request (the broker caches and refreshes it). */
  authorization: () => Promise<string | undefined>;
  /** Lines the stdio child writes to stderr. */
  onStderr?: (line: string) => void;
}

/** Adds the upstream's own credential (never the agent's token) to each request. */
export function authorizedFetch(
  base: FetchLike,
  authorization: () => Promise<string | undefined>,
): FetchLike {
  return async (url, init) => {
    const headers = new Headers(init?.headers);
    const value = await authorization();
    if (value) headers.set('authorization', value);
    return base(url, { ...init, headers });
  };
}

function pipeLines(stream: Readable | null, onLine: (line: string) => void): void {
  let pending = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()?.slice(-4096) ?? '';
    for (const line of lines) if (line.trim()) onLine(line.slice(0, 2000));
  });
}

/** A fresh SDK client transport for one session with `spec`. */
export function createTransport(spec: McpServerSpec, options: TransportOptions): Transport {
  if (spec.transport === 'stdio') {
    const transport = new StdioClientTransport({
      command: spec.command ?? '',
      args: spec.args,
      env: { ...getDefaultEnvironment(), ...spec.env },
      stderr: 'pipe',
    });
    pipeLines(transport.stderr as Readable | null, options.onStderr ?? (() => undefined));
    return transport;
  }
  const fetch = authorizedFetch(options.fetch, options.authorization);
  const url = new URL(spec.url ?? '');
  if (spec.transport === 'sse') return new SSEClientTransport(url, { fetch });
  return new StreamableHTTPClientTransport(url, {
    fetch,
    // Our own loop reconnects the session; the SDK only retries a dropped notification stream briefly.
    reconnectionOptions: {
      initialReconnectionDelay: 500,
      maxReconnectionDelay: 2_000,
      reconnectionDelayGrowFactor: 2,
      maxRetries: 2,
    },
  });
}

/** Whether a stdio command line is allowed: it must start with one of the allow-listed command lines. */
export function stdioAllowed(
  command: string,
  args: readonly string[],
  allowlist: readonly string[],
): boolean {
  const line = [command, ...args];
  return allowlist.some((entry) => {
    const tokens = entry.split(/\s+/).filter(Boolean);
    return tokens.length > 0 && tokens.every((token, index) => line[index] === token);
  });
}
