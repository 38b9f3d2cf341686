import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';

/** Swagger options for a bounded array of bounded strings (the OWASP ruleset wants both limits). */
export const stringArray = (maxItems: number, maxLength: number) => ({
  type: 'array' as const,
  items: { type: 'string' as const, maxLength },
  maxItems,
});

/** An optional request field holding at most `maxItems` strings of at most `maxLength`: documented and validated. */
export function OptionalStringArray(options: {
  description: string;
  example: string[];
  maxItems: number;
  maxLength: number;
}): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: options.description,
      example: options.example,
      ...stringArray(options.maxItems, options.maxLength),
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(options.maxItems),
    IsString({ each: true }),
    MaxLength(options.maxLength, { each: true }),
  );
}
