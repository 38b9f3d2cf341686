import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { MCP_SERVER_NAME, MCP_TRANSPORTS, type McpTransport } from '../mcp.types';
import { REGISTERED_SECRET_ENV, REGISTERED_SECRET_RULE } from '../upstream/mcp-secret-policy.util';

const SCOPE_PATTERN = /^[A-Za-z0-9._:/*-]{1,200}$/;
export const MCP_AUTH_TYPES = ['none', 'bearer', 'oauth-client-credentials'] as const;
const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class McpAuthDto {
  @ApiProperty({ enum: MCP_AUTH_TYPES, example: 'bearer' })
  @IsIn(MCP_AUTH_TYPES)
  type: (typeof MCP_AUTH_TYPES)[number];

  @ApiPropertyOptional({
    description:
      'Name of the gateway environment variable holding the secret (the bearer token, or the OAuth ' +
      'client secret); never the value. Only `MCP__<NAME>`, the namespace of registered servers: other ' +
      '`MCP_*` variables (`MCP_<SERVER>_BEARER_TOKEN` of environment servers…) are never sent.',
    example: 'MCP__GITHUB_TOKEN',
    maxLength: 125,
    pattern: REGISTERED_SECRET_ENV.source,
  })
  @ValidateIf((auth: McpAuthDto) => auth.type !== 'none')
  @IsString()
  @Matches(REGISTERED_SECRET_ENV, { message: REGISTERED_SECRET_RULE })
  secret_env?: string;

  @ApiPropertyOptional({ example: 'https://idp.example.com/oauth/token', maxLength: 2048 })
  @ValidateIf((auth: McpAuthDto) => auth.type === 'oauth-client-credentials')
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  token_url?: string;

  @ApiPropertyOptional({ example: 'toolgate', maxLength: 200 })
  @ValidateIf((auth: McpAuthDto) => auth.type === 'oauth-client-credentials')
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  client_id?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 200 },
    maxItems: 20,
    example: ['tools.read'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(SCOPE_PATTERN, { each: true })
  scopes?: string[];
}

/** Body of `POST /mcp-servers`. */
export class RegisterMcpServerDto {
  @ApiProperty({
    description: 'Becomes part of tool ids (`mcp.<name>:<tool>`) and of the scope `mcp.<name>`.',
    example: 'github',
    maxLength: 32,
    pattern: MCP_SERVER_NAME.source,
  })
  @IsString()
  @Matches(MCP_SERVER_NAME, { message: 'name must be lowercase letters, digits and dashes (≤ 32)' })
  name: string;

  @ApiProperty({ enum: MCP_TRANSPORTS, example: 'streamable-http' })
  @IsIn(MCP_TRANSPORTS)
  transport: McpTransport;

  @ApiPropertyOptional({
    description: 'Endpoint of an HTTP transport; checked by the SSRF guard now and at every connect.',
    example: 'https://mcp.example.com/mcp',
    maxLength: 2048,
  })
  @ValidateIf((body: RegisterMcpServerDto) => body.transport !== 'stdio')
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({
    description:
      'Executable of a stdio server (a bare name is resolved through the gateway PATH, and stored resolved); ' +
      'the command line must start with an MCP_STDIO_ALLOWLIST entry.',
    example: 'node',
    maxLength: 512,
  })
  @ValidateIf((body: RegisterMcpServerDto) => body.transport === 'stdio')
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  command?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 1000 },
    maxItems: 50,
    example: ['dist/index.js', 'stdio'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  args?: string[];

  @ApiPropertyOptional({
    description:
      'Plain, non-secret variables for a stdio child (≤ 50): only names MCP_STDIO_ENV_ALLOWLIST allows ' +
      '(none by default); loader, interpreter and shell variables (`NODE_*`, `LD_*`, `PATH`, `PYTHON*`…) never.',
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 4096 },
    maxProperties: 50,
    example: { LOG_LEVEL: 'info' },
  })
  @IsOptional()
  @IsObject()
  env?: Record<string, string>;

  @ApiPropertyOptional({ type: McpAuthDto, description: 'Upstream credentials (default none).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => McpAuthDto)
  auth?: McpAuthDto;
}
