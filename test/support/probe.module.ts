import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
} from 'class-validator';

import { Public } from '@toolgate/core';

class ProbeDto {
  @IsString()
  name: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count: number;

  @IsEmail()
  email: string;
}

/** A body with a free-form object, as a manifest's schema or an OpenAPI document. */
class ProbeSchemaDto {
  @IsObject()
  schema: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  tags?: string[];
}

/** Test-only routes that exercise the global pipeline: body parsing, DTO validation, unexpected errors. */
@Controller('__probe')
@Public()
class ProbeController {
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Post('schema')
  @HttpCode(200)
  schema(@Body() body: ProbeSchemaDto): { members: number } {
    return { members: Object.keys(body.schema).length };
  }

  @Post('boom')
  boom(): never {
    throw new Error('database password=hunter2 exploded at /srv/internal/secret.ts:42');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
