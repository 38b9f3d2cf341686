export { McpModule } from './mcp.module';
export { mcpConfig, type McpConfig } from './mcp.config';
export {
  MCP_SERVER_NAME,
  type McpServerSpec,
  type McpServerStatus,
  mcpScope,
  mcpToolId,
  parseMcpToolId,
} from './mcp.types';
export { MCP_PROVIDER_KEY, type McpCallResult } from './mcp-provider.types';
export { McpServerEntity } from './entities/mcp-server.entity';
export { McpToolEntity } from './entities/mcp-tool.entity';
export { McpUpstreamsService } from './upstream/mcp-upstreams.service';
export { type McpUpstreamClient } from './upstream/mcp-upstream.client';
export {
  MCP_ACTIONS,
  McpAccessService,
  type AccessContext,
  mcpServerResource,
} from './servers/mcp-access.service';
export { McpServerNotFoundException } from './mcp.exception';
