import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CatalogModule } from '@toolgate/catalog';

import { McpCatalogWriter } from './discovery/mcp-catalog-writer.service';
import { McpDiscoveryService } from './discovery/mcp-discovery.service';
import { McpToolStore } from './discovery/mcp-tool-store.service';
import { McpServerEntity } from './entities/mcp-server.entity';
import { McpToolEntity } from './entities/mcp-tool.entity';
import { McpProviderService } from './mcp-provider.service';
import { mcpConfig } from './mcp.config';
import { McpAccessService } from './servers/mcp-access.service';
import { McpServerStore } from './servers/mcp-server-store.service';
import { McpServersController } from './servers/mcp-servers.controller';
import { McpServersService } from './servers/mcp-servers.service';
import { McpUpstreamController } from './servers/mcp-upstream.controller';
import { McpUpstreamsService } from './upstream/mcp-upstreams.service';

/**
 * Upstream MCP servers behind the gateway: one long-lived session per upstream (streamable HTTP, SSE,
 * allow-listed stdio), discovery of their tools into the catalog with drift protection, the `mcp` tool
 * provider, the `/mcp-servers` admin routes and governed access to resources and prompts.
 */
@Module({
  imports: [
    ConfigModule.forFeature(mcpConfig),
    TypeOrmModule.forFeature([McpServerEntity, McpToolEntity]),
    CatalogModule,
  ],
  controllers: [McpServersController, McpUpstreamController],
  providers: [
    McpServerStore,
    McpToolStore,
    McpCatalogWriter,
    McpDiscoveryService,
    McpUpstreamsService,
    McpProviderService,
    McpServersService,
    McpAccessService,
  ],
  exports: [McpUpstreamsService, McpAccessService],
})
export class McpModule {}
