import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export const API_KEY_PAGE_MAX = 500;

/** Paging of `GET /api-keys`: newest first, `limit` keys a page, older pages through `cursor`. */
export class ListApiKeysQueryDto {
  @ApiPropertyOptional({
    description: 'Keys per page.',
    example: 100,
    minimum: 1,
    maximum: API_KEY_PAGE_MAX,
    default: API_KEY_PAGE_MAX,
    format: 'int32',
    type: 'integer',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(API_KEY_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({
    description: '`next_cursor` of the previous page (a key id of your tenant).',
    example: '0b6f4c8e-3f0e-4a57-9a39-2f1c5d4e6a7b',
    format: 'uuid',
    maxLength: 36,
  })
  @IsOptional()
  @IsUUID('all', { message: 'cursor must be a next_cursor value' })
  cursor?: string;
}
