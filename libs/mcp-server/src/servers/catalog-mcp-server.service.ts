import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';

import { CatalogViewService } from '@toolgate/catalog';

import { HeldCalls } from '../calls/held-calls.util';
import { McpToolCallService } from '../calls/mcp-tool-call.service';
import { CONFIRM_TOOL, mcpToolNames } from '../calls/tool-name.util';
import { contextOf, type McpRequestContext } from '../mcp-server.types';
import { callContext, SERVER_VERSION } from './mcp-call-context.util';
import { CONFIRM_TOOL_DEFINITION, mcpToolOf } from './mcp-tool-listing.util';

const INSTRUCTIONS =
  'Toolgate: the tools your credentials may use, each call governed (policy, rate limit, validation, ' +
  'confirmation, audit). A CONFIRMATION.REQUIRED tool error means nothing ran yet: confirm with toolgate_confirm.';

/**
 * `/mcp`: the caller's governed catalog as one MCP server. Tool names are the tool ids made valid MCP
 * names (`mcp_everything__get-sum`), resolved against the caller's catalog at each call; `tools/call` runs
 * the REST invoke pipeline; `toolgate_confirm` confirms held calls.
 */
@Injectable()
export class CatalogMcpServerService {
  constructor(
    private readonly view: CatalogViewService,
    private readonly tools: McpToolCallService,
  ) {}

  create(): Server {
    const held = new HeldCalls();
    const server = new Server(
      { name: 'toolgate', title: 'Toolgate', version: SERVER_VERSION },
      { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
    );
    server.setRequestHandler(ListToolsRequestSchema, (_request, extra) => ({
      tools: [...this.list(contextOf(extra)), CONFIRM_TOOL_DEFINITION],
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const ctx = callContext(server, extra, held);
      const { name, arguments: args } = request.params;
      if (name === CONFIRM_TOOL) return this.tools.confirm(ctx, args);
      const toolId = this.names(ctx).get(name);
      if (!toolId) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name.slice(0, 100)}`);
      return this.tools.run(ctx, toolId, name, args ?? {});
    });
    return server;
  }

  private list(ctx: McpRequestContext): Tool[] {
    const entries = this.view.list(ctx.principal);
    const byId = new Map(entries.map((entry) => [entry.toolId, entry]));
    return [
      ...this.names(
        ctx,
        entries.map((entry) => entry.toolId),
      ),
    ]
      .map(([name, toolId]) => mcpToolOf(name, byId.get(toolId)!))
      .filter((tool): tool is Tool => tool !== undefined);
  }

  private names(ctx: McpRequestContext, toolIds?: string[]): Map<string, string> {
    return mcpToolNames(toolIds ?? this.view.list(ctx.principal).map((entry) => entry.toolId));
  }
}
