import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const EVENT_FILTER_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*(\.\*)?$/;
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_PAGE = 200;

/** Filters of `GET /audit`; they combine. Newest events first. */
export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Only events of this subject.', example: 'agent-7', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  subject?: string;

  @ApiPropertyOptional({
    description: 'Only events about this tool id.',
    example: 'test:echo',
    maxLength: 256,
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  tool?: string;

  @ApiPropertyOptional({
    description: 'Only this event type; a trailing `.*` matches a family (`manifests.*`).',
    example: 'tools.invoke',
    maxLength: 64,
    pattern: EVENT_FILTER_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(EVENT_FILTER_PATTERN, { message: 'event must be an event type, optionally ending in .*' })
  event?: string;

  @ApiPropertyOptional({
    description: 'Events at or after this instant (ISO 8601).',
    example: '2026-11-21T00:00:00Z',
    format: 'date-time',
    maxLength: 40,
  })
  @IsOptional()
  @MaxLength(40)
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'Events before this instant (ISO 8601).',
    example: '2026-11-22T00:00:00Z',
    format: 'date-time',
    maxLength: 40,
  })
  @IsOptional()
  @MaxLength(40)
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({
    description: 'Events per page.',
    example: 50,
    minimum: 1,
    maximum: MAX_PAGE,
    default: 50,
    format: 'int32',
    type: 'integer',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;

  @ApiPropertyOptional({
    description: '`next_cursor` of the previous page.',
    example: 'czoxMjM',
    maxLength: 64,
    pattern: CURSOR_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(CURSOR_PATTERN, { message: 'cursor must be a next_cursor value' })
  cursor?: string;
}
