import { ApiPropertyOptional } from '@nestjs/swagger';

import { IsISO8601, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';

import { IsStorableText, PageLimit } from '@toolgate/core';

export const EVENT_FILTER_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*(\.\*)?$/;
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_PAGE = 200;

/**
 * An ISO 8601 instant the gateway can compare: calendar dates with an optional time. Week (`2026-W01`)
 * and ordinal (`2026-123`) dates are ISO 8601 too, but name no single instant here: refused (422).
 */
function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        /^\d{4}-\d{2}(?:$|-\d{2}(?:$|T))/.test(value) &&
        Number.isFinite(Date.parse(value)),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be a date or date-time such as 2026-11-21 or 2026-11-21T10:00:00Z`,
    },
  });
}

/** Filters of `GET /audit`; they combine. Newest events first. */
export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Only events of this subject.', example: 'agent-7', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @IsStorableText()
  subject?: string;

  @ApiPropertyOptional({
    description: 'Only events about this tool id.',
    example: 'test:echo',
    maxLength: 256,
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @IsStorableText()
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
    description:
      'Events at or after this instant: an ISO 8601 calendar date or date-time (week and ordinal dates are 422).',
    example: '2026-11-21T00:00:00Z',
    format: 'date-time',
    maxLength: 40,
  })
  @IsOptional()
  @MaxLength(40)
  @IsISO8601({ strict: true })
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({
    description:
      'Events before this instant: an ISO 8601 calendar date or date-time (week and ordinal dates are 422).',
    example: '2026-11-22T00:00:00Z',
    format: 'date-time',
    maxLength: 40,
  })
  @IsOptional()
  @MaxLength(40)
  @IsISO8601({ strict: true })
  @IsInstant()
  to?: string;

  @PageLimit({ max: MAX_PAGE, default: 50, description: 'Events per page.' })
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
