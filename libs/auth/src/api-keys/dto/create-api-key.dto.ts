import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export const API_KEY_MIN_TTL_SEC = 60;
export const API_KEY_MAX_TTL_SEC = 366 * 24 * 3600;
export const API_KEY_DEFAULT_TTL_SEC = 90 * 24 * 3600;

const IDENTIFIER = /^[\x21-\x7e]{1,128}$/;
const PRINTABLE = /^[^\p{Cc}]+$/u;
const IDENTIFIER_MESSAGE = 'each item must be 1-128 printable ASCII characters without spaces';

export class CreateApiKeyDto {
  @ApiProperty({
    description: 'Label to recognise the key by (not secret).',
    example: 'billing-sync worker',
    minLength: 1,
    maxLength: 100,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(PRINTABLE, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({
    description: 'Subject the key authenticates as (the `subject` of the resulting principal).',
    example: 'svc-billing-sync',
    minLength: 1,
    maxLength: 256,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  @Matches(PRINTABLE, { message: 'subject must not contain control characters' })
  subject: string;

  @ApiProperty({
    description:
      'Roles granted to the key (the policy maps roles to scopes). Each must be a role of the active ' +
      'policy (422 otherwise). A caller signed in as a person may grant any of them; an API key caller ' +
      'only roles it holds itself (403 naming the others).',
    example: ['finance-write'],
    type: [String],
    maxItems: 64,
    items: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
  })
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(IDENTIFIER, { each: true, message: `roles: ${IDENTIFIER_MESSAGE}` })
  roles: string[];

  @ApiPropertyOptional({
    description:
      'Extra scopes carried by the key itself. An API key caller may grant only scopes it holds, itself or ' +
      'through its roles (`mcp.*` covers `mcp.git`); 403 naming the others.',
    example: ['tools.invoke:write'],
    type: [String],
    maxItems: 128,
    items: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @Matches(IDENTIFIER, { each: true, message: `scopes: ${IDENTIFIER_MESSAGE}` })
  scopes?: string[];

  @ApiPropertyOptional({
    description:
      'Lifetime in seconds (default 90 days, at most 366 days). A key minted with an API key never ' +
      'outlives that key: a longer value is refused (422), and the default is shortened to end with it.',
    example: 2592000,
    minimum: API_KEY_MIN_TTL_SEC,
    maximum: API_KEY_MAX_TTL_SEC,
    format: 'int32',
    default: API_KEY_DEFAULT_TTL_SEC,
  })
  @IsOptional()
  @IsInt()
  @Min(API_KEY_MIN_TTL_SEC)
  @Max(API_KEY_MAX_TTL_SEC)
  expires_in_seconds?: number;
}
