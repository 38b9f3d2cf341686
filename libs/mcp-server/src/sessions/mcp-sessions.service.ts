import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { type FastifyReply, type FastifyRequest } from 'fastify';

import { type Principal, REQUEST_ID_HEADER } from '@toolgate/core';

import { type McpServerConfig, mcpServerConfig } from '../mcp-server.config';
import {
  McpBadRequestException,
  McpSessionNotFoundException,
  McpSessionsExhaustedException,
} from '../mcp-server.exception';
import { authInfoOf, type McpRequestContext } from '../mcp-server.types';

interface McpSession {
  /** `catalog` or `upstream:<name>`: a session serves the endpoint it was opened on only. */
  endpoint: string;
  owner: string;
  transport: StreamableHTTPServerTransport;
  server: Server;
  lastSeen: number;
}

const SESSION_HEADER = 'mcp-session-id';
const ownerOf = (principal: Principal) => `${principal.tenant}\u0000${principal.subject}`;

/**
 * Streamable HTTP sessions of this replica (stateful, so the server can send `elicitation/create` during a
 * call and read the answer). A session belongs to the principal that initialized it and to one endpoint:
 * anyone else presenting its id gets 404, as for an unknown id. Idle sessions are closed; all on shutdown.
 * Replicas behind a load balancer need session affinity on `Mcp-Session-Id`.
 */
@Injectable()
export class McpSessionsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('McpSessions');
  private readonly sessions = new Map<string, McpSession>();
  private sweeper?: NodeJS.Timeout;

  constructor(@Inject(mcpServerConfig.KEY) private readonly config: McpServerConfig) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, this.config.sessionIdleMs / 4));
    this.sweeper.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Hands one HTTP request to its session's transport (a new session for `initialize`). */
  async handle(
    request: FastifyRequest,
    reply: FastifyReply,
    endpoint: string,
    ctx: McpRequestContext,
    createServer: () => Server,
  ): Promise<void> {
    const session = await this.sessionFor(request, endpoint, ctx.principal, createServer);
    session.lastSeen = Date.now();
    (request.raw as IncomingMessage & { auth?: unknown }).auth = authInfoOf(ctx);
    reply.hijack();
    reply.raw.setHeader(REQUEST_ID_HEADER, ctx.requestId);
    await session.transport.handleRequest(request.raw, reply.raw, request.body);
  }

  private async sessionFor(
    request: FastifyRequest,
    endpoint: string,
    principal: Principal,
    createServer: () => Server,
  ): Promise<McpSession> {
    const header = request.headers[SESSION_HEADER];
    if (typeof header === 'string') {
      const session = this.sessions.get(header);
      if (!session || session.owner !== ownerOf(principal) || session.endpoint !== endpoint)
        throw new McpSessionNotFoundException();
      return session;
    }
    if (request.method !== 'POST' || !isInitializeRequest(request.body))
      throw new McpBadRequestException('No Mcp-Session-Id: the first request must be initialize.');
    return this.open(endpoint, principal, createServer);
  }

  private async open(
    endpoint: string,
    principal: Principal,
    createServer: () => Server,
  ): Promise<McpSession> {
    if (this.sessions.size >= this.config.maxSessions && !this.evictOldest())
      throw new McpSessionsExhaustedException();
    const server = createServer();
    const session: McpSession = {
      endpoint,
      owner: ownerOf(principal),
      server,
      lastSeen: Date.now(),
      transport: undefined!,
    };
    session.transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => void this.sessions.set(id, session),
      onsessionclosed: (id) => void this.sessions.delete(id),
    });
    session.transport.onclose = () => {
      const id = session.transport.sessionId;
      if (id) this.sessions.delete(id);
    };
    await server.connect(session.transport);
    return session;
  }

  private evictOldest(): boolean {
    const [id] = [...this.sessions].sort(([, a], [, b]) => a.lastSeen - b.lastSeen)[0] ?? [];
    if (!id) return false;
    void this.close(id);
    return true;
  }

  private sweep(): void {
    const cutoff = Date.now() - this.config.sessionIdleMs;
    for (const [id, session] of this.sessions) if (session.lastSeen < cutoff) void this.close(id);
  }

  private async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    await session?.server
      .close()
      .catch((error: unknown) => this.logger.debug({ msg: 'session close failed', err: String(error) }));
  }
}
