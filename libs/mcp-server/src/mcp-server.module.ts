import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

import { AuthModule } from '@toolgate/auth';
import { CatalogModule } from '@toolgate/catalog';
import { ConfirmationModule } from '@toolgate/confirmation';
import { InvocationModule } from '@toolgate/invocation';
import { McpModule } from '@toolgate/mcp';

import { GovernedCallService } from './calls/governed-call.service';
import { McpConfirmationService } from './calls/mcp-confirmation.service';
import { McpToolCallService } from './calls/mcp-tool-call.service';
import { McpAuthService } from './http/mcp-auth.service';
import { McpEndpointService } from './http/mcp-endpoint.service';
import { McpHttpController } from './http/mcp-http.controller';
import { ProtectedResourceController } from './http/protected-resource.controller';
import { mcpServerConfig } from './mcp-server.config';
import { CatalogMcpServerService } from './servers/catalog-mcp-server.service';
import { UpstreamMcpServerService } from './servers/upstream-mcp-server.service';
import { McpSessionsService } from './sessions/mcp-sessions.service';

/**
 * Toolgate as an MCP server: `/mcp` (the caller's governed catalog) and `/mcp/{server}` (one upstream
 * with its resources and prompts), Streamable HTTP sessions, bearer authentication with RFC 9728
 * metadata, and tool calls through the same pipeline as REST (policy, rate limit, validation,
 * confirmation by elicitation or `toolgate_confirm`, audit).
 */
@Module({
  imports: [
    ConfigModule.forFeature(mcpServerConfig),
    AuthModule,
    CatalogModule,
    ConfirmationModule,
    InvocationModule,
    McpModule,
  ],
  controllers: [McpHttpController, ProtectedResourceController],
  providers: [
    McpAuthService,
    McpSessionsService,
    GovernedCallService,
    McpConfirmationService,
    McpToolCallService,
    CatalogMcpServerService,
    UpstreamMcpServerService,
    McpEndpointService,
  ],
})
export class McpServerModule {}
