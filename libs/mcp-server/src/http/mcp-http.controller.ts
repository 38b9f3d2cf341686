import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest } from 'fastify';

import { Public } from '@toolgate/core';

import { McpEndpointService } from './mcp-endpoint.service';

/**
 * The MCP Streamable HTTP endpoints (JSON-RPC, not REST: left out of the OpenAPI document). `@Public()`
 * because the handler authenticates itself: the global guard's 401 lacks the `resource_metadata` challenge
 * MCP clients need, and the policy is decided per JSON-RPC call (tools) or per endpoint
 * (`mcp.servers:connect`), not per route.
 */
@ApiExcludeController()
@Public()
@Controller('mcp')
export class McpHttpController {
  constructor(private readonly endpoint: McpEndpointService) {}

  @All()
  catalog(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.endpoint.catalog(request, reply);
  }

  @All(':server')
  upstream(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Param('server') server: string,
  ): Promise<void> {
    return this.endpoint.upstream(request, reply, server);
  }
}
