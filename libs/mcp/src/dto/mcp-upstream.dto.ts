import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class ApproveMcpToolDto {
  @ApiPropertyOptional({
    description:
      'The definition hash you reviewed (`definition_hash`); refused (409) if the upstream changed since.',
    example: '3b4c2d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0',
    maxLength: 64,
    pattern: '^[0-9a-f]{64}$',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  hash?: string;

  @ApiPropertyOptional({
    description: 'Safety tags to add to the tool for good (upstream changes never remove them).',
    type: 'array',
    items: { type: 'string', maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    maxItems: 20,
    example: ['destructive'],
  })
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  safety_tags?: string[];
}

export class ReadResourceDto {
  @ApiProperty({ example: 'demo://resource/static/document/architecture.md', maxLength: 2048 })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  uri: string;
}

export class GetPromptDto {
  @ApiPropertyOptional({
    description: 'Prompt arguments (string values).',
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 10_000 },
    maxProperties: 100,
    example: { city: 'Paris' },
  })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, string>;
}

const PAGE_EXAMPLE = 'eyJvZmZzZXQiOjEwfQ==';

export class ResourceListDto {
  @ApiProperty({
    description: 'The upstream’s resources (MCP `Resource` objects) and resource templates.',
    type: 'array',
    maxItems: 10_000,
    items: { type: 'object', additionalProperties: true },
    example: [{ uri: 'demo://resource/static/document/architecture.md', name: 'architecture.md' }],
  })
  resources: Record<string, unknown>[];

  @ApiProperty({
    type: 'array',
    maxItems: 10_000,
    items: { type: 'object', additionalProperties: true },
    example: [{ uriTemplate: 'demo://resource/dynamic/text/{index}', name: 'Dynamic Text Resource' }],
  })
  resource_templates: Record<string, unknown>[];

  @ApiPropertyOptional({ example: PAGE_EXAMPLE, maxLength: 4096 })
  next_cursor?: string;
}

export class PromptListDto {
  @ApiProperty({
    type: 'array',
    maxItems: 10_000,
    items: { type: 'object', additionalProperties: true },
    example: [{ name: 'args-prompt', arguments: [{ name: 'city', required: true }] }],
  })
  prompts: Record<string, unknown>[];

  @ApiPropertyOptional({ example: PAGE_EXAMPLE, maxLength: 4096 })
  next_cursor?: string;
}

export class McpContentResultDto {
  @ApiProperty({
    description:
      'The upstream’s answer as MCP returns it (`contents` of a resource, `messages` of a prompt).',
    type: 'object',
    additionalProperties: true,
    example: {
      contents: [{ uri: 'demo://resource/static/document/architecture.md', text: '# Architecture' }],
    },
  })
  result: Record<string, unknown>;
}
