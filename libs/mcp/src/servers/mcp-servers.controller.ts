import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import { CurrentPrincipal, type Principal } from '@toolgate/core';
import { type PolicyResource, RequirePolicy } from '@toolgate/policy';

import { McpServerDetailDto, McpServerDto, McpServerListDto, McpToolStateDto } from '../dto/mcp-server.dto';
import { ApproveMcpToolDto } from '../dto/mcp-upstream.dto';
import { RegisterMcpServerDto } from '../dto/register-mcp-server.dto';
import { McpServersService } from './mcp-servers.service';

const MANAGE = 'mcp-servers:manage';

export const SERVER_PARAM = {
  name: 'name',
  example: 'everything',
  schema: { type: 'string' as const, maxLength: 32, pattern: '^[a-z][a-z0-9-]{0,31}$' },
};
const TOOL_PARAM = {
  name: 'tool',
  example: 'echo',
  schema: { type: 'string' as const, maxLength: 128, pattern: '^[A-Za-z0-9_.-]{1,128}$' },
};

/** Upstream servers are shared: the policy sees them as `public` resources named by `server`. */
function serverResource(request: FastifyRequest): PolicyResource {
  const name = (request.params as Record<string, string | undefined>).name;
  return { tenant: 'public', ...(name ? { server: name } : {}) };
}

@ApiTags('mcp-servers')
@ApiBearerAuth('bearer')
@ApiForbiddenResponse({ description: 'Not a platform admin (changes: not a platform admin of `public`).' })
@Controller('mcp-servers')
export class McpServersController {
  constructor(private readonly servers: McpServersService) {}

  @Get()
  @RequirePolicy(MANAGE, serverResource)
  @ApiOperation({
    summary: 'List upstream MCP servers',
    description: 'Environment and registered upstreams with this replica’s session status.',
  })
  @ApiOkResponse({ type: McpServerListDto })
  async list(): Promise<McpServerListDto> {
    return { servers: await this.servers.list() };
  }

  @Post()
  @HttpCode(201)
  @RequirePolicy(MANAGE, serverResource)
  @ApiOperation({
    summary: 'Register an upstream MCP server',
    description:
      'Platform admins of `public`. URLs pass the SSRF guard; stdio command lines must start with an ' +
      'MCP_STDIO_ALLOWLIST entry (executables compared resolved) and `env` may only name variables of ' +
      'MCP_STDIO_ENV_ALLOWLIST, never loader variables (`NODE_OPTIONS`, `LD_*`, `PATH`…); secrets are ' +
      'referenced by `MCP__<NAME>` variable name, never sent. The session ' +
      'starts in the background; its tools become `mcp.<name>:<tool>` manifests needing scope `mcp.<name>`.',
  })
  @ApiCreatedResponse({ type: McpServerDto })
  @ApiConflictResponse({ description: 'The name is taken (registered, or defined by the environment).' })
  @ApiUnprocessableEntityResponse({
    description:
      'Invalid body, refused URL, command not allow-listed, variable refused (pointer `/env/<NAME>`).',
  })
  register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RegisterMcpServerDto,
  ): Promise<McpServerDto> {
    return this.servers.register(principal, body);
  }

  @Get(':name')
  @RequirePolicy(MANAGE, serverResource)
  @ApiOperation({
    summary: 'One upstream with its tools and their drift state',
    description:
      'Drifted tools show the pending upstream definition and its hash, to review before approving.',
  })
  @ApiParam(SERVER_PARAM)
  @ApiOkResponse({ type: McpServerDetailDto })
  @ApiNotFoundResponse({ description: 'No such server.' })
  get(@Param('name') name: string): Promise<McpServerDetailDto> {
    return this.servers.get(name);
  }

  @Delete(':name')
  @HttpCode(204)
  @RequirePolicy(MANAGE, serverResource)
  @ApiOperation({
    summary: 'Delete a registered upstream',
    description:
      'Closes the session on every replica and disables its tools in every catalog; their drift state stays, ' +
      'so a server registered again under the name gets back only approved definitions.',
  })
  @ApiParam(SERVER_PARAM)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ description: 'No such registered server.' })
  @ApiConflictResponse({ description: 'Defined by the environment.' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<void> {
    await this.servers.remove(principal, name);
  }

  @Post(':name/refresh')
  @HttpCode(200)
  @RequirePolicy(MANAGE, serverResource)
  @ApiOperation({
    summary: 'Reconnect if needed and rediscover the tools',
    description: 'Answers the status after the attempt (`last_error` says why when the upstream is down).',
  })
  @ApiParam(SERVER_PARAM)
  @ApiOkResponse({ type: McpServerDetailDto })
  @ApiNotFoundResponse({ description: 'No such server.' })
  @ApiForbiddenResponse({ description: 'Not a platform admin of the public tenant.' })
  refresh(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
  ): Promise<McpServerDetailDto> {
    return this.servers.refresh(principal, name);
  }

  @Post(':name/tools/:tool/approve')
  @HttpCode(200)
  @RequirePolicy(MANAGE, serverResource)
  @ApiOperation({
    summary: 'Approve a tool’s current upstream definition',
    description:
      'A tool whose description, schemas or annotations changed upstream is disabled until approved here ' +
      '(also re-enables a tool an admin disabled). Tags added here stay on the tool.',
  })
  @ApiParam(SERVER_PARAM)
  @ApiParam(TOOL_PARAM)
  @ApiOkResponse({ type: McpToolStateDto })
  @ApiNotFoundResponse({ description: 'No such server or tool.' })
  @ApiConflictResponse({
    description: 'The tool changed again since the reviewed hash, or left the upstream.',
  })
  approve(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Param('tool') tool: string,
    @Body() body: ApproveMcpToolDto,
  ): Promise<McpToolStateDto> {
    return this.servers.approve(principal, name, tool, body);
  }
}
