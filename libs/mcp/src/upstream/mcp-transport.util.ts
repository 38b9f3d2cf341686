import { type Readable } from 'node:stream';

import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type FetchLike, type Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

import { type McpServerSpec } from '../mcp.types';
import { withSendFailuresNoted } from './mcp-errors.util';
import { cappedFetch } from './mcp-fetch.util';
import { checkStdioLaunch, type StdioPolicy } from './mcp-stdio-policy.util';

export interface TransportOptions {
  /** Outbound fetch (SSRF-guarded) used for every HTTP request of the session. */
  fetch: FetchLike;
  /** What stdio children may run, checked again at every spawn (a row may predate the policy). */
  stdio: StdioPolicy;
  /** `MCP_MAX_RESPONSE_BYTES`: the most one answer (body, SSE event, stdio line) may hold. */
  maxResponseBytes: number;
  /** A stream that answers no request sent an event over the limit. */
  onStreamTooLarge?: () => void;
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

/** A fresh SDK client transport for one session with `spec` (failed sends noted as transport failures). */
export function createTransport(spec: McpServerSpec, options: TransportOptions): Transport {
  return withSendFailuresNoted(openTransport(spec, options));
}

function openTransport(spec: McpServerSpec, options: TransportOptions): Transport {
  if (spec.transport === 'stdio') {
    const launch = checkStdioLaunch(spec.command ?? '', spec.args, spec.env, options.stdio);
    if (launch.problems.length > 0)
      throw new Error(`stdio launch refused: ${launch.problems.map(({ detail }) => detail).join('; ')}`);
    const transport = new StdioClientTransport({
      command: launch.command,
      args: spec.args,
      env: { ...getDefaultEnvironment(), ...spec.env },
      stderr: 'pipe',
      // One stdout line is one message: past the limit the child is stopped (the session reconnects).
      maxBufferSize: options.maxResponseBytes,
    });
    pipeLines(transport.stderr as Readable | null, options.onStderr ?? (() => undefined));
    return transport;
  }
  const fetch = cappedFetch(authorizedFetch(options.fetch, options.authorization), {
    server: spec.name,
    maxBytes: options.maxResponseBytes,
    onStreamTooLarge: options.onStreamTooLarge,
  });
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
