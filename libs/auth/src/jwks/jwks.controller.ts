import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Public, ResourceNotFoundException } from '@toolgate/core';

import { ApiAuthProblems } from '../api-problem.decorator';
import { JwksDto } from './jwks.dto';
import { KeyStoreService } from './key-store.service';

@ApiTags('ops')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: KeyStoreService) {}

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Dev JWKS',
    description:
      'The public half of the development signing key (generated under the runtime dir). Only served while ' +
      'no JWT_JWKS_URL is configured; with an IdP, fetch its JWKS instead.',
  })
  @ApiOkResponse({ type: JwksDto })
  @ApiAuthProblems({ 404: 'An IdP JWKS (JWT_JWKS_URL) is in use: no dev keys are served.' })
  jwks(): JwksDto {
    const jwks = this.keys.devJwks();
    if (!jwks) throw new ResourceNotFoundException('This gateway verifies tokens against its IdP’s JWKS.');
    return jwks;
  }
}
