import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';

import { Public } from '@toolgate/core';

import { type McpServerConfig, mcpServerConfig } from '../mcp-server.config';

export class ProtectedResourceDto {
  @ApiProperty({ example: 'https://toolgate.example.com/mcp', maxLength: 2048 })
  resource: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: 2048 },
    maxItems: 10,
    example: ['https://idp.local'],
  })
  authorization_servers: string[];

  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 3, example: ['header'] })
  bearer_methods_supported: string[];

  @ApiProperty({ example: 'Toolgate MCP', maxLength: 200 })
  resource_name: string;
}

/** RFC 9728 protected resource metadata of `/mcp`: which issuer's tokens it accepts, sent in headers. */
@ApiTags('ops')
@Public()
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  constructor(@Inject(mcpServerConfig.KEY) private readonly config: McpServerConfig) {}

  @Get()
  @ApiOperation({
    summary: 'OAuth protected resource metadata (RFC 9728) of the MCP endpoint',
    description: 'Named by the `resource_metadata` of the 401 challenge of `/mcp`.',
  })
  @ApiOkResponse({ type: ProtectedResourceDto })
  metadata(): ProtectedResourceDto {
    return this.document();
  }

  /** The same document at its RFC 9728 path-suffixed location for `/mcp` (documented once, above). */
  @Get('mcp')
  @ApiExcludeEndpoint()
  metadataForMcp(): ProtectedResourceDto {
    return this.document();
  }

  private document(): ProtectedResourceDto {
    return {
      resource: `${this.config.publicUrl}/mcp`,
      authorization_servers: [this.config.issuer],
      bearer_methods_supported: ['header'],
      resource_name: 'Toolgate MCP',
    };
  }
}
