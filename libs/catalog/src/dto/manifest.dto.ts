import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { type JsonSchema } from '@toolgate/core';

import { MANIFEST_SOURCES, type ManifestSource } from '../manifest.types';

export const TOOL_ID_PATTERN = /^[a-z][a-z0-9-]{0,62}:[A-Za-z0-9_.:-]{1,136}$/;
const PROVIDER_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SCOPE_PATTERN = /^[A-Za-z0-9._:*-]{1,100}$/;
const stringItems = (maxLength: number, example: string[]) => ({
  type: 'array' as const,
  items: { type: 'string', maxLength },
  example,
});

const INPUTS_EXAMPLE = {
  type: 'object',
  properties: { query: { type: 'string', maxLength: 200 } },
  required: ['query'],
  additionalProperties: false,
};

export class RateLimitDto {
  @ApiProperty({ example: 5, minimum: 1, maximum: 10_000, format: 'int32' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  rps: number;

  @ApiProperty({ example: 10, minimum: 1, maximum: 100_000, format: 'int32' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  burst: number;
}

/** Body of `POST /manifests/register` (seed shape). */
export class RegisterManifestDto {
  @ApiProperty({ example: 'test:lookup', maxLength: 200, pattern: TOOL_ID_PATTERN.source })
  @IsString()
  @MaxLength(200)
  @Matches(TOOL_ID_PATTERN, { message: 'toolId must look like <provider>:<name>' })
  toolId: string;

  @ApiProperty({ example: 'Lookup', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'Looks a record up by its query.', maxLength: 4000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  description: string;

  @ApiProperty({
    description:
      'JSON Schema (draft-07) of the arguments; must compile under ajv strict mode, at most 128 levels deep, ' +
      'without `$id` (use `#/definitions/…` refs), with `pattern`s (ECMAScript, `u` flag) that have a ' +
      'linear-time equivalent (no lookaround or backreferences; an RE2 program of at most 1000 instructions; ' +
      "a string too long for its pattern's match budget is refused, not matched) and no `$ref` leading back to " +
      'itself without descending.',
    type: 'object',
    additionalProperties: true,
    example: INPUTS_EXAMPLE,
  })
  @IsObject()
  inputs: JsonSchema;

  @ApiPropertyOptional({
    description: 'JSON Schema of the result (default `{"type":"object"}`); same rules as `inputs`.',
    type: 'object',
    additionalProperties: true,
    example: { type: 'object' },
  })
  @IsOptional()
  @IsObject()
  outputs?: JsonSchema;

  @ApiProperty({ ...stringItems(100, ['test.read']), maxItems: 50 })
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(SCOPE_PATTERN, { each: true })
  required_scopes: string[];

  @ApiProperty({ example: 'test', maxLength: 64, pattern: PROVIDER_PATTERN.source })
  @IsString()
  @Matches(PROVIDER_PATTERN)
  provider_id: string;

  @ApiPropertyOptional({
    description:
      "Owning tenant; must be the caller's own (defaults to it). Admins of `public` write shared tools.",
    example: 'public',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  tenant?: string;

  @ApiPropertyOptional({ ...stringItems(64, ['read-only']), maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TAG_PATTERN, { each: true })
  safety_tags?: string[];

  @ApiPropertyOptional({ example: 30_000, minimum: 1, maximum: 300_000, format: 'int32' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(300_000)
  timeout_ms?: number;

  @ApiPropertyOptional({ type: RateLimitDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rate_limit?: RateLimitDto;

  @ApiPropertyOptional({ ...stringItems(200, ['password']), maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  sensitive_fields?: string[];
}

/** Body of `PUT /manifests/{toolId}`: the whole new manifest; `toolId` may be left out. */
export class UpdateManifestDto extends OmitType(RegisterManifestDto, ['toolId'] as const) {
  @ApiPropertyOptional({ example: 'test:lookup', maxLength: 200, pattern: TOOL_ID_PATTERN.source })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  toolId?: string;
}

/** A stored manifest with its version. */
export class ManifestDto extends OmitType(RegisterManifestDto, [
  'tenant',
  'outputs',
  'safety_tags',
] as const) {
  @ApiProperty({ example: 'public', maxLength: 128 })
  tenant: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { type: 'object' } })
  outputs: JsonSchema;

  @ApiProperty({ ...stringItems(64, ['read-only']), maxItems: 20 })
  safety_tags: string[];

  @ApiProperty({ example: 3, minimum: 1, maximum: 2_147_483_647, format: 'int32' })
  version: number;

  @ApiProperty({ example: 'admin', enum: MANIFEST_SOURCES })
  source: ManifestSource;
}

/** A manifest after an admin write (`disabled` after DELETE). */
export class ManifestRecordDto extends ManifestDto {
  @ApiProperty({ example: false })
  disabled: boolean;
}
