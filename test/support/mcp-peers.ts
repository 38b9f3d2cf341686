import { type ChildProcess, spawn } from 'node:child_process';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

import { McpServer, type RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** The reference server from npm (`@modelcontextprotocol/server-everything`), run offline. */
export const EVERYTHING_SCRIPT = join(
  __dirname,
  '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`MCP peer exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`MCP peer did not listen on ${port}`);
}

export interface McpPeer {
  url: string;
  port: number;
  pid: number;
  /** SIGKILL by pid, resolved once the process is gone. */
  stop(): Promise<void>;
}

/** Starts server-everything over streamable HTTP (`/mcp`) or SSE (`/sse`) on `port` (random by default). */
export async function startEverything(mode: 'streamableHttp' | 'sse', port?: number): Promise<McpPeer> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, [EVERYTHING_SCRIPT, mode], {
    env: { PATH: process.env.PATH ?? '', PORT: String(chosen) },
    stdio: 'ignore',
  });
  await waitForPort(chosen, child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${chosen}/${mode === 'sse' ? 'sse' : 'mcp'}`,
    port: chosen,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      await exited;
    },
  };
}

export interface DriftServer {
  url: string;
  /** Changes the `lookup` tool's description; connected sessions get `notifications/tools/list_changed`. */
  setDescription(description: string): void;
  calls: number;
  /** The Authorization header of every request received (undefined when there was none). */
  authorizations: Array<string | undefined>;
  close(): Promise<void>;
}

/**
 * A small SDK `McpServer` (streamable HTTP, sessions) whose tools the test changes: `lookup`, `wipe`
 * (annotated destructive) and `explode` (answers `isError`).
 */
export async function startDriftServer(): Promise<DriftServer> {
  let description = 'Looks a record up.';
  const tools: RegisteredTool[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const state: DriftServer = {
    url: '',
    calls: 0,
    authorizations: [],
    setDescription: (next) => {
      description = next;
      for (const tool of tools)
        if (tool.description !== next && tool.title === 'Lookup') tool.update({ description: next });
    },
    close: async () => {
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      const closed = new Promise((resolve) => http.close(resolve));
      // Idle keep-alive connections of a gateway still running would hold the close.
      http.closeAllConnections();
      await closed;
    },
  };
  const newSession = () => {
    const server = new McpServer(
      { name: 'drift', version: '1.0.0' },
      { capabilities: { tools: { listChanged: true } } },
    );
    tools.push(
      server.registerTool(
        'lookup',
        { title: 'Lookup', description, inputSchema: { id: z.string().max(50) } },
        async ({ id }) => {
          state.calls += 1;
          return {
            content: [{ type: 'text', text: `record ${id}` }],
            structuredContent: { id, found: true },
          };
        },
      ),
      server.registerTool(
        'wipe',
        {
          title: 'Wipe',
          description: 'Deletes a record.',
          inputSchema: { id: z.string() },
          annotations: { destructiveHint: true },
        },
        async ({ id }) => {
          state.calls += 1;
          return { content: [{ type: 'text', text: `wiped ${id}` }] };
        },
      ),
      server.registerTool('explode', { description: 'Always fails.', inputSchema: {} }, async () => {
        throw new Error('kaboom');
      }),
    );
    return server;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    state.authorizations.push(req.headers.authorization);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const sessionId = req.headers['mcp-session-id'] as string | undefined;
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId) return void res.writeHead(404).end();
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => void transports.set(id, transport!),
      });
      await newSession().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  };
  const http: Server = createHttpServer(
    (req, res) => void handle(req, res).catch(() => res.writeHead(500).end()),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  return state;
}

/**
 * A bare streamable-HTTP MCP server answering plain JSON (no sessions): one tool `big` whose result holds
 * `bytes` characters of text.
 */
export async function startBigServer(bytes: number): Promise<{ url: string; close(): Promise<void> }> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      id?: number;
      method: string;
      params?: { protocolVersion?: string };
    };
    if (message.id === undefined) return void res.writeHead(202).end();
    const results: Record<string, unknown> = {
      initialize: {
        protocolVersion: message.params?.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: 'big', version: '1' },
      },
      'tools/list': {
        tools: [{ name: 'big', description: 'A huge answer.', inputSchema: { type: 'object' } }],
      },
      'tools/call': { content: [{ type: 'text', text: 'x'.repeat(bytes) }] },
    };
    const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result: results[message.method] ?? {} });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  };
  const http = createHttpServer((req, res) => void handle(req, res).catch(() => res.writeHead(500).end()));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

/** An HTTP server answering every request with a 307 to `target`. */
export async function startRedirector(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const http = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: target }).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}
