import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';

import { CatalogViewService } from '@toolgate/catalog';
import { RateLimitService } from '@toolgate/invocation';
import { McpAccessService, mcpToolId, parseMcpToolId } from '@toolgate/mcp';

import { HeldCalls } from '../calls/held-calls.util';
import { McpToolCallService } from '../calls/mcp-tool-call.service';
import { CONFIRM_TOOL } from '../calls/tool-name.util';
import { McpRateLimitedException } from '../mcp-server.exception';
import { contextOf, type McpRequestContext } from '../mcp-server.types';
import { callContext, type HandlerExtra, SERVER_VERSION, toJsonRpcError } from './mcp-call-context.util';
import { CONFIRM_TOOL_DEFINITION, mcpToolOf } from './mcp-tool-listing.util';

/**
 * `/mcp/{server}`: one upstream behind the gateway under its original tool names (plus `toolgate_confirm`,
 * which shadows an upstream tool of that name), with its resources and prompts. Tools are those of the caller's catalog from that upstream (drifted or blocked ones are not
 * there); calls run the invoke pipeline; resources and prompts go through `McpAccessService` (policy on
 * `mcp.resources:*` / `mcp.prompts:*` with scope `mcp.<server>`, audit) and spend the caller's `api` bucket.
 */
@Injectable()
export class UpstreamMcpServerService {
  constructor(
    private readonly view: CatalogViewService,
    private readonly tools: McpToolCallService,
    private readonly access: McpAccessService,
    private readonly limits: RateLimitService,
  ) {}

  create(upstream: string): Server {
    const held = new HeldCalls();
    const server = new Server(
      { name: `toolgate/${upstream}`, title: `${upstream} via Toolgate`, version: SERVER_VERSION },
      { capabilities: { tools: {}, resources: {}, prompts: {} } },
    );
    server.setRequestHandler(ListToolsRequestSchema, (_request, extra) => ({
      tools: [...this.list(contextOf(extra), upstream), CONFIRM_TOOL_DEFINITION],
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const { name, arguments: args } = request.params;
      const ctx = callContext(server, extra, held);
      if (name === CONFIRM_TOOL) return this.tools.confirm(ctx, args);
      if (!this.list(ctx, upstream).some((tool) => tool.name === name))
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name.slice(0, 100)}`);
      return this.tools.run(ctx, mcpToolId(upstream, name), name, args ?? {});
    });
    server.setRequestHandler(ListResourcesRequestSchema, (request, extra) =>
      this.governed(extra, async (ctx) => {
        const { resources, nextCursor } = await this.access.listResources(
          ctx,
          upstream,
          request.params?.cursor,
        );
        return { resources, ...(nextCursor ? { nextCursor } : {}) };
      }),
    );
    server.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
      this.governed(extra, (ctx) => this.access.listResourceTemplates(ctx, upstream, request.params?.cursor)),
    );
    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) =>
      this.governed(extra, (ctx) => this.access.readResource(ctx, upstream, request.params.uri)),
    );
    server.setRequestHandler(ListPromptsRequestSchema, (request, extra) =>
      this.governed(extra, (ctx) => this.access.listPrompts(ctx, upstream, request.params?.cursor)),
    );
    server.setRequestHandler(GetPromptRequestSchema, (request, extra) =>
      this.governed(extra, (ctx) =>
        this.access.getPrompt(ctx, upstream, request.params.name, request.params.arguments ?? {}),
      ),
    );
    return server;
  }

  private list(ctx: McpRequestContext, upstream: string): Tool[] {
    return this.view
      .list(ctx.principal, { provider: 'mcp' })
      .map((entry) => ({ entry, ref: parseMcpToolId(entry.toolId) }))
      .filter(({ ref }) => ref?.server === upstream)
      .map(({ entry, ref }) => mcpToolOf(ref!.tool, entry))
      .filter((tool): tool is Tool => tool !== undefined);
  }

  /** Spends the `api` bucket, runs `work`, maps gateway errors to JSON-RPC errors. */
  private async governed<T>(extra: HandlerExtra, work: (ctx: McpRequestContext) => Promise<T>): Promise<T> {
    const ctx = contextOf(extra);
    try {
      const state = await this.limits.consume(ctx.principal, 'api');
      if (!state.allowed) throw new McpRateLimitedException(state.retryAfter);
      return await work(ctx);
    } catch (error) {
      throw toJsonRpcError(error);
    }
  }
}
