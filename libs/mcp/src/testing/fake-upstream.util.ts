import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export interface FakeUpstreamOptions {
  /** What `tools/list` answers, as is (the fake never checks it). */
  tools: () => unknown[];
  /** The `structuredContent` of every `tools/call` answer. */
  structured?: Record<string, unknown>;
  /** Methods answered with HTTP 500 instead (a failing upstream). */
  failing?: () => string[];
}

export interface FakeUpstream {
  url: string;
  /** JSON-RPC methods received, in order. */
  methods: string[];
  close: () => Promise<void>;
}

/** A stateless streamable-HTTP MCP server on 127.0.0.1 that serves whatever `options` say. */
export function startFakeUpstream(options: FakeUpstreamOptions): Promise<FakeUpstream> {
  const methods: string[] = [];
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    const method = String(body?.method);
    methods.push(method);
    if (options.failing?.().includes(method)) return void res.writeHead(500).end('upstream failure');
    const server = new Server({ name: 'fake', version: '1' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: options.tools() }) as never);
    server.setRequestHandler(CallToolRequestSchema, () => ({
      content: [{ type: 'text', text: 'ok' }],
      ...(options.structured ? { structuredContent: options.structured } : {}),
    }));
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  return new Promise((resolve) =>
    http.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
        methods,
        close: () => {
          http.closeAllConnections();
          return new Promise<void>((done) => http.close(() => done()));
        },
      }),
    ),
  );
}
