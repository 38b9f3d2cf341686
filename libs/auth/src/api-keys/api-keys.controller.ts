import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import { CurrentPrincipal, type Principal } from '@toolgate/core';
import { RequirePolicy } from '@toolgate/policy';

import { ApiAuthProblems } from '../api-problem.decorator';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyListDto, CreatedApiKeyDto } from './dto/api-key.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

const UNAUTHORIZED = 'Missing, invalid, expired or revoked credential (WWW-Authenticate: Bearer).';
const FORBIDDEN = 'The policy does not allow api-keys:manage for the caller.';

@ApiTags('api-keys')
@ApiBearerAuth('bearer')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Header('cache-control', 'no-store')
  @RequirePolicy('api-keys:manage')
  @ApiOperation({
    summary: 'Create an API key',
    description:
      'Creates a key for a service client of the caller’s tenant, bound to a subject, roles, optional scopes ' +
      'and an expiry. The secret is in this response only; only its SHA-256 is stored. Audited ' +
      '(`api_keys.create`, with the caller as actor). A key can invoke, but never approve or reject a held action.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key, with its secret (shown once).' })
  @ApiAuthProblems({ 401: UNAUTHORIZED, 403: FORBIDDEN, 422: 'The body is not valid.' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiKeyDto,
    @Req() request: FastifyRequest,
  ): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(principal, body, String(request.id));
  }

  @Get()
  @RequirePolicy('api-keys:manage')
  @ApiOperation({
    summary: 'List API keys',
    description: 'Keys of the caller’s tenant, newest first, with their status. Never the secret.',
  })
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiAuthProblems({ 401: UNAUTHORIZED, 403: FORBIDDEN })
  async list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyListDto> {
    return { items: await this.apiKeys.list(principal.tenant) };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePolicy('api-keys:manage')
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'Revokes a key of the caller’s tenant at once (idempotent). Its next use answers 401. Audited ' +
      '(`api_keys.revoke`).',
  })
  @ApiParam({
    name: 'id',
    description: 'The key id.',
    schema: {
      type: 'string',
      format: 'uuid',
      maxLength: 36,
      example: '0b6f4c8e-3f0e-4a57-9a39-2f1c5d4e6a7b',
    },
  })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiAuthProblems({ 401: UNAUTHORIZED, 403: FORBIDDEN, 404: 'No such key in the caller’s tenant.' })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.apiKeys.revoke(principal, id, String(request.id));
  }
}
