import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import { CurrentPrincipal, type Principal } from '@toolgate/core';
import { type PolicyResource, RequirePolicy } from '@toolgate/policy';

import {
  GetPromptDto,
  McpContentResultDto,
  PromptListDto,
  ReadResourceDto,
  ResourceListDto,
} from '../dto/mcp-upstream.dto';
import { MCP_ACTIONS, McpAccessService, mcpServerResource } from './mcp-access.service';
import { SERVER_PARAM } from './mcp-servers.controller';

const PROMPT_PARAM = {
  name: 'prompt',
  example: 'args-prompt',
  schema: { type: 'string' as const, maxLength: 200, pattern: '^[A-Za-z0-9_.:/-]{1,200}$' },
};
const CURSOR_QUERY = {
  name: 'cursor',
  required: false,
  schema: { type: 'string' as const, maxLength: 4096 },
};

function resourceOf(request: FastifyRequest): PolicyResource {
  return mcpServerResource((request.params as Record<string, string>).name ?? '');
}

const cursorOf = (cursor?: string) => (cursor && cursor.length <= 4096 ? cursor : undefined);

@ApiTags('mcp-servers')
@ApiBearerAuth('bearer')
@ApiNotFoundResponse({ description: 'No such server.' })
@ApiBadGatewayResponse({ description: 'The upstream is unreachable or answered an error.' })
@Controller('mcp-servers/:name')
export class McpUpstreamController {
  constructor(private readonly access: McpAccessService) {}

  @Get('resources')
  @RequirePolicy(MCP_ACTIONS.listResources, resourceOf)
  @ApiOperation({
    summary: 'List an upstream’s resources and resource templates',
    description: 'Needs scope `mcp.<name>`.',
  })
  @ApiParam(SERVER_PARAM)
  @ApiQuery(CURSOR_QUERY)
  @ApiOkResponse({ type: ResourceListDto })
  async resources(
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Query('cursor') cursor?: string,
  ): Promise<ResourceListDto> {
    const result = await this.access.listResources(
      { principal, requestId: String(request.id) },
      name,
      cursorOf(cursor),
    );
    return {
      resources: result.resources,
      resource_templates: result.resourceTemplates,
      ...(result.nextCursor ? { next_cursor: result.nextCursor } : {}),
    };
  }

  @Post('resources/read')
  @HttpCode(200)
  @RequirePolicy(MCP_ACTIONS.readResource, resourceOf)
  @ApiOperation({
    summary: 'Read one resource of an upstream',
    description: 'Needs scope `mcp.<name>`; audited.',
  })
  @ApiParam(SERVER_PARAM)
  @ApiOkResponse({ type: McpContentResultDto })
  async read(
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() body: ReadResourceDto,
  ): Promise<McpContentResultDto> {
    return {
      result: await this.access.readResource({ principal, requestId: String(request.id) }, name, body.uri),
    };
  }

  @Get('prompts')
  @RequirePolicy(MCP_ACTIONS.listPrompts, resourceOf)
  @ApiOperation({ summary: 'List an upstream’s prompts', description: 'Needs scope `mcp.<name>`.' })
  @ApiParam(SERVER_PARAM)
  @ApiQuery(CURSOR_QUERY)
  @ApiOkResponse({ type: PromptListDto })
  async prompts(
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Query('cursor') cursor?: string,
  ): Promise<PromptListDto> {
    const result = await this.access.listPrompts(
      { principal, requestId: String(request.id) },
      name,
      cursorOf(cursor),
    );
    return { prompts: result.prompts, ...(result.nextCursor ? { next_cursor: result.nextCursor } : {}) };
  }

  @Post('prompts/:prompt/get')
  @HttpCode(200)
  @RequirePolicy(MCP_ACTIONS.getPrompt, resourceOf)
  @ApiOperation({
    summary: 'Get one prompt of an upstream',
    description: 'Needs scope `mcp.<name>`; audited.',
  })
  @ApiParam(SERVER_PARAM)
  @ApiParam(PROMPT_PARAM)
  @ApiOkResponse({ type: McpContentResultDto })
  async prompt(
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Param('prompt') prompt: string,
    @Body() body: GetPromptDto,
  ): Promise<McpContentResultDto> {
    const ctx = { principal, requestId: String(request.id) };
    return { result: await this.access.getPrompt(ctx, name, prompt, body.arguments ?? {}) };
  }
}
