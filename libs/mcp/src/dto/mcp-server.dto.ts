import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { MCP_TOOL_STATUSES, type McpToolStatus } from '../entities/mcp-tool.entity';
import { MCP_TRANSPORTS, type McpConnectionState, type McpTransport } from '../mcp.types';
import { McpAuthDto } from './register-mcp-server.dto';

const STATES = ['connecting', 'up', 'down', 'closed'] as const;

export class McpServerInfoDto {
  @ApiProperty({ example: 'mcp-servers/everything', maxLength: 200 })
  name: string;

  @ApiProperty({ example: '2.0.0', maxLength: 100 })
  version: string;
}

export class McpServerStatusDto {
  @ApiProperty({ enum: STATES, example: 'up', description: 'This replica’s session with the upstream.' })
  state: McpConnectionState;

  @ApiProperty({ example: 12, minimum: 0, maximum: 100_000, format: 'int32' })
  tool_count: number;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    example: '2025-11-25T10:00:00.000Z',
    maxLength: 40,
  })
  last_discovery_at: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'ECONNREFUSED', maxLength: 500 })
  last_error: string | null;

  @ApiProperty({ type: McpServerInfoDto, nullable: true })
  server_info: McpServerInfoDto | null;
}

export class McpServerDto {
  @ApiProperty({ example: 'everything', maxLength: 32 })
  name: string;

  @ApiProperty({ enum: ['env', 'api'], example: 'api' })
  source: 'env' | 'api';

  @ApiProperty({ enum: MCP_TRANSPORTS, example: 'streamable-http' })
  transport: McpTransport;

  @ApiPropertyOptional({ example: 'https://mcp.example.com/mcp', maxLength: 2048 })
  url?: string;

  @ApiPropertyOptional({ example: 'node', maxLength: 512 })
  command?: string;

  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 1000 }, maxItems: 50, example: [] })
  args: string[];

  @ApiProperty({ type: McpAuthDto, description: 'Credential kind and secret variable *names* only.' })
  auth: McpAuthDto;

  @ApiProperty({ type: McpServerStatusDto })
  status: McpServerStatusDto;
}

export class McpServerListDto {
  @ApiProperty({ type: [McpServerDto], maxItems: 1000 })
  servers: McpServerDto[];
}

export class McpToolStateDto {
  @ApiProperty({ example: 'echo', maxLength: 128 })
  name: string;

  @ApiProperty({ example: 'mcp.everything:echo', maxLength: 200 })
  toolId: string;

  @ApiProperty({ enum: MCP_TOOL_STATUSES, example: 'drifted' })
  status: McpToolStatus;

  @ApiProperty({
    example: 'a3f1…',
    maxLength: 64,
    description: 'SHA-256 of the definition the upstream lists now.',
  })
  definition_hash: string;

  @ApiProperty({ example: '9c0e…', maxLength: 64, description: 'SHA-256 of the approved definition.' })
  approved_hash: string;

  @ApiProperty({ example: 'root', maxLength: 256 })
  approved_by: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-25T10:00:00.000Z', maxLength: 40 })
  approved_at: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: 64 },
    maxItems: 20,
    example: ['destructive'],
  })
  admin_tags: string[];

  @ApiPropertyOptional({
    description: 'While drifted: the new upstream definition waiting for approval.',
    type: 'object',
    additionalProperties: true,
    example: { name: 'echo', description: 'Echoes back the input string', inputSchema: { type: 'object' } },
  })
  pending_definition?: Record<string, unknown>;
}

export class McpServerDetailDto extends McpServerDto {
  @ApiProperty({ type: [McpToolStateDto], maxItems: 10_000 })
  tools: McpToolStateDto[];
}
