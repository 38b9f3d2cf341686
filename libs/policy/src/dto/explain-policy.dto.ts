import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

import { OptionalStringArray } from './string-array.util';

const NAME_MAX = 256;

export class ExplainResourceDto {
  @ApiPropertyOptional({
    description: 'Tool id; with a catalog, its manifest fills the other attributes.',
    example: 'ads:createCampaign',
    maxLength: NAME_MAX,
  })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  toolId?: string;

  @ApiPropertyOptional({ description: 'Provider of the tool.', example: 'ads', maxLength: NAME_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  provider_id?: string;

  @ApiPropertyOptional({
    description: 'Owning tenant (`public` is shared by every tenant).',
    example: 'acme',
    maxLength: NAME_MAX,
  })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  tenant?: string;

  @ApiPropertyOptional({
    description: 'Subject that owns the resource (e.g. who requested a pending action).',
    example: 'agent-7',
    maxLength: NAME_MAX,
  })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  owner?: string;

  @ApiPropertyOptional({
    description: 'Where the manifest came from.',
    example: 'openapi',
    maxLength: NAME_MAX,
  })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  source?: string;

  @ApiPropertyOptional({ description: 'Upstream MCP server name.', example: 'git', maxLength: NAME_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  server?: string;

  @OptionalStringArray({
    description: 'Safety tags of the tool.',
    example: ['financial'],
    maxItems: 50,
    maxLength: NAME_MAX,
  })
  safety_tags?: string[];

  @OptionalStringArray({
    description: 'Scopes the caller must hold.',
    example: ['ads.write'],
    maxItems: 100,
    maxLength: NAME_MAX,
  })
  required_scopes?: string[];
}

export class ExplainPrincipalDto {
  @ApiProperty({ description: 'Subject (agent id) to explain for.', example: 'agent-7', maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  subject: string;

  @ApiProperty({ description: 'Tenant of that subject.', example: 'acme', maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  tenant: string;

  @OptionalStringArray({
    description: 'Roles of that subject.',
    example: ['finance-write'],
    maxItems: 50,
    maxLength: NAME_MAX,
  })
  roles?: string[];

  @OptionalStringArray({
    description: 'Scopes carried by its credential.',
    example: ['ads.write'],
    maxItems: 100,
    maxLength: NAME_MAX,
  })
  scopes?: string[];

  @ApiPropertyOptional({ description: 'Credential kind.', enum: ['jwt', 'api_key'], example: 'jwt' })
  @IsOptional()
  @IsIn(['jwt', 'api_key'])
  kind?: 'jwt' | 'api_key';
}

export class ExplainPolicyDto {
  @ApiProperty({
    description: 'Action to decide.',
    example: 'tools.invoke',
    maxLength: 128,
    pattern: '^[A-Za-z0-9._:-]+$',
  })
  @IsString()
  @Length(1, 128)
  @Matches(/^[A-Za-z0-9._:-]+$/, { message: 'action must be letters, digits, . _ : -' })
  action: string;

  @ApiPropertyOptional({
    description: "The resource acted on; defaults to the explained principal's tenant.",
    type: ExplainResourceDto,
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExplainResourceDto)
  resource?: ExplainResourceDto;

  @ApiPropertyOptional({
    description: 'Explain for this principal instead of the caller (platform admins only).',
    type: ExplainPrincipalDto,
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExplainPrincipalDto)
  principal?: ExplainPrincipalDto;
}
