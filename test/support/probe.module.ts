import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { IsEmail, IsInt, IsString, Max, Min } from 'class-validator';

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

/** Test-only routes that exercise the global pipeline: body parsing, DTO validation, unexpected errors. */
@Controller('__probe')
@Public()
class ProbeController {
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Post('boom')
  boom(): never {
    throw new Error('database password=hunter2 exploded at /srv/internal/secret.ts:42');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
