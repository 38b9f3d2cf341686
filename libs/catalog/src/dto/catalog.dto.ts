import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

import { ManifestDto } from './manifest.dto';

export class CatalogQueryDto {
  @ApiPropertyOptional({ description: 'Only tools of this provider.', example: 'test', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  provider?: string;

  @ApiPropertyOptional({
    description: 'Only tools carrying this safety tag.',
    example: 'destructive',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string;

  @ApiPropertyOptional({
    description: 'Case-insensitive substring of the tool id, name or description.',
    example: 'echo',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

/** A tool the caller may invoke, and the gate in front of it. */
export class CatalogToolDto extends ManifestDto {
  @ApiProperty({ description: 'Invoking answers 202 with an action token to confirm.', example: false })
  requires_confirmation: boolean;

  @ApiProperty({ description: 'Another human must approve before it runs.', example: false })
  requires_approval: boolean;
}

export class CatalogListDto {
  @ApiProperty({ type: [CatalogToolDto], maxItems: 10_000 })
  tools: CatalogToolDto[];
}
