import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export interface PageLimitOptions {
  max: number;
  default: number;
  example?: number;
  description?: string;
}

/** A list query's optional `limit`: an integer from 1 to `max` (query strings are converted), documented. */
export function PageLimit(options: PageLimitOptions): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      ...(options.description ? { description: options.description } : {}),
      example: options.example ?? options.default,
      minimum: 1,
      maximum: options.max,
      default: options.default,
      format: 'int32',
      type: 'integer',
    }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(options.max),
  );
}
