import { Injectable } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';

import {
  MCP_ACTIONS,
  McpAccessService,
  McpServerNotFoundException,
  McpUpstreamsService,
} from '@toolgate/mcp';

import { type McpRequestContext } from '../mcp-server.types';
import { CatalogMcpServerService } from '../servers/catalog-mcp-server.service';
import { UpstreamMcpServerService } from '../servers/upstream-mcp-server.service';
import { McpSessionsService } from '../sessions/mcp-sessions.service';
import { McpAuthService } from './mcp-auth.service';

/**
 * Every request to `/mcp` and `/mcp/{server}`: authenticate (401 with `resource_metadata`), for an upstream
 * check it exists (404) and that the caller may connect to it (`mcp.servers:connect`, 403), then hand the
 * request to its session.
 */
@Injectable()
export class McpEndpointService {
  constructor(
    private readonly auth: McpAuthService,
    private readonly sessions: McpSessionsService,
    private readonly catalogServer: CatalogMcpServerService,
    private readonly upstreamServer: UpstreamMcpServerService,
    private readonly upstreams: McpUpstreamsService,
    private readonly access: McpAccessService,
  ) {}

  async catalog(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ctx = await this.context(request);
    await this.sessions.handle(request, reply, 'catalog', ctx, () => this.catalogServer.create());
  }

  async upstream(request: FastifyRequest, reply: FastifyReply, name: string): Promise<void> {
    const ctx = await this.context(request);
    await this.access.authorize(ctx, MCP_ACTIONS.connect, name);
    if (!(await this.upstreams.ensure(name))) throw new McpServerNotFoundException(name);
    await this.sessions.handle(request, reply, `upstream:${name}`, ctx, () =>
      this.upstreamServer.create(name),
    );
  }

  private async context(request: FastifyRequest): Promise<McpRequestContext> {
    return { principal: await this.auth.authenticate(request), requestId: String(request.id) };
  }
}
