import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Server } from '@modelcontextprotocol/sdk/server/index.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { type FastifyReply, type FastifyRequest } from 'fastify';

import { type Principal, REQUEST_ID_HEADER } from '@toolgate/core';

import { type McpServerConfig, mcpServerConfig } from '../mcp-server.config';
import {
  McpBadRequestException,
  McpSessionLimitException,
  McpSessionNotFoundException,
  McpSessionsExhaustedException,
} from '../mcp-server.exception';
import { authInfoOf, type McpRequestContext } from '../mcp-server.types';
import { AnsweringTransport } from './elicitation-answers.util';
import { holdWhileAnswering } from './in-flight.util';
import { idleSessions, makeRoom, type SessionSlot } from './session-eviction.util';

interface McpSession extends SessionSlot {
  /** `catalog` or `upstream:<name>`: a session serves the endpoint it was opened on only. */
  endpoint: string;
  transport: AnsweringTransport;
  server: Server;
}

const SESSION_HEADER = 'mcp-session-id';
const ownerOf = (principal: Principal) => `${principal.tenant}\u0000${principal.subject}`;

/**
 * Streamable HTTP sessions of this replica (stateful, so the server can send `elicitation/create` during a
 * call and read the answer). A session belongs to the principal that initialized it and to one endpoint:
 * anyone else presenting its id gets 404, as for an unknown id. Idle sessions (none with a request in
 * flight) are closed; all on shutdown.
 * Caps per principal and per replica decide which session makes room for a new one (`makeRoom`); a
 * session is registered when its initialize arrives, so concurrent initializes cannot overshoot the caps.
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
    if (request.method === 'POST') holdWhileAnswering(session, reply.raw);
    try {
      await session.transport.handleRequest(request.raw, reply.raw, request.body);
    } finally {
      // An initialize the transport refused leaves no session behind.
      if (!session.transport.sessionId) void this.close(session.id);
    }
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
    const owner = ownerOf(principal);
    this.makeRoomFor(owner);
    const id = randomUUID();
    const server = createServer();
    const session: McpSession = {
      id,
      endpoint,
      owner,
      server,
      lastSeen: Date.now(),
      inFlight: 0,
      transport: new AnsweringTransport({
        sessionIdGenerator: () => id,
        onsessionclosed: () => void this.sessions.delete(id),
      }),
    };
    session.transport.onclose = () => void this.sessions.delete(id);
    // Registered now (before any await) so that concurrent initializes count against the caps.
    this.sessions.set(id, session);
    try {
      await server.connect(session.transport);
    } catch (error) {
      await this.close(id);
      throw error;
    }
    return session;
  }

  private makeRoomFor(owner: string): void {
    const limits = { max: this.config.maxSessions, perPrincipal: this.config.maxSessionsPerPrincipal };
    if (this.sessions.size >= limits.max) this.sweep();
    const room = makeRoom(this.sessions.values(), owner, limits);
    if (room.kind === 'principal-full') throw new McpSessionLimitException(limits.perPrincipal);
    if (room.kind === 'replica-full') throw new McpSessionsExhaustedException();
    if (room.kind === 'evict') {
      const own = this.sessions.get(room.id)?.owner === owner;
      this.logger.log({
        msg: 'MCP session closed to make room',
        of: own ? 'same principal' : 'other principal',
      });
      void this.close(room.id);
    }
  }

  /** Closes idle sessions; a session with a request in flight (a call awaiting an answer) is kept. */
  private sweep(): void {
    for (const id of idleSessions(this.sessions.values(), Date.now() - this.config.sessionIdleMs))
      void this.close(id);
  }

  private async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    await session?.server
      .close()
      .catch((error: unknown) => this.logger.debug({ msg: 'session close failed', err: String(error) }));
  }
}
