export { McpServerModule } from './mcp-server.module';
export { mcpServerConfig, type McpServerConfig } from './mcp-server.config';
export { PROTECTED_RESOURCE_PATH } from './http/mcp-auth.service';
export { CONFIRM_TOOL, mcpToolNames } from './calls/tool-name.util';
