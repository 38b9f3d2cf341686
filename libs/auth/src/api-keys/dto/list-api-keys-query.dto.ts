import { ApiPropertyOptional } from '@nestjs/swagger';

import { IsOptional, IsUUID } from 'class-validator';

import { PageLimit } from '@toolgate/core';

export const API_KEY_PAGE_MAX = 500;

/** Paging of `GET /api-keys`: newest first, `limit` keys a page, older pages through `cursor`. */
export class ListApiKeysQueryDto {
  @PageLimit({
    max: API_KEY_PAGE_MAX,
    default: API_KEY_PAGE_MAX,
    example: 100,
    description: 'Keys per page.',
  })
  limit?: number;

  @ApiPropertyOptional({
    description: '`next_cursor` of the previous page (the id of a key this list shows the caller).',
    example: '0b6f4c8e-3f0e-4a57-9a39-2f1c5d4e6a7b',
    format: 'uuid',
    maxLength: 36,
  })
  @IsOptional()
  @IsUUID('all', { message: 'cursor must be a next_cursor value' })
  cursor?: string;
}
