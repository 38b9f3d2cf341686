import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
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
import { ListApiKeysQueryDto } from './dto/list-api-keys-query.dto';

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
      'and an expiry. Roles must be defined by the active policy. A person (JWT) with api-keys:manage is the ' +
      'trust root and may grant any role and scope; a key minted with an API key (`parent_key_id`) holds ' +
      'only roles and scopes of that key, never outlives it, and is revoked with it. The secret is in this ' +
      'response only; only its SHA-256 is stored. Audited (`api_keys.create`, with the caller as actor). A key ' +
      'can invoke, but never approve or reject a held action.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key, with its secret (shown once).' })
  @ApiAuthProblems({
    401: UNAUTHORIZED,
    403:
      FORBIDDEN +
      ' Or `API_KEYS.GRANT_EXCEEDS_CREATOR`: the calling API key does not hold every requested role and ' +
      'scope (`excess_roles`, `excess_scopes`).',
    422:
      'The body is not valid: a role the active policy does not define (`/roles/<i>`), or, for an API key ' +
      'caller, an `expires_in_seconds` past that key’s own expiry.',
  })
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
    description:
      'Keys the caller manages, newest first, with their status. Never the secret. A person (JWT) sees ' +
      'every key of its tenant; an API key sees only itself and the keys minted below it, directly or down ' +
      'a chain of keys (`parent_key_id`). At most `limit` (default and maximum 500) a page; follow ' +
      '`next_cursor` for older pages.',
  })
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiAuthProblems({
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    422:
      '`limit` out of range, or `cursor` not a `next_cursor` of this list (`API_KEYS.CURSOR_INVALID`): a ' +
      'key the caller does not see is no cursor.',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListApiKeysQueryDto,
  ): Promise<ApiKeyListDto> {
    return this.apiKeys.list(principal, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePolicy('api-keys:manage')
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'Revokes a key of the caller’s tenant and every key minted with it, directly or down a chain of keys, ' +
      'in one transaction (idempotent: revoking a revoked key still revokes active keys below it). A person ' +
      '(JWT) may revoke any key of its tenant; an API key only itself and the keys below it ' +
      '(`parent_key_id`, at any depth), so a leaked key cannot revoke the tenant’s other keys: to an API ' +
      'key, any other key of the tenant answers the same 404 as an unknown id (it cannot probe which ids ' +
      'exist), and the refusal is audited (`api_keys.revoke`, `decision: deny`). Every ' +
      'replica drops the revoked keys from its cache as soon as the revocation commits (Postgres ' +
      'LISTEN/NOTIFY), so their next use answers 401; only a replica whose listener connection is down keeps ' +
      'accepting them, for at most `API_KEY_CACHE_TTL_SEC`. Each revoked key is audited (`api_keys.revoke`; ' +
      'those below it with `revoked_with`).',
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
  @ApiNoContentResponse({ description: 'Revoked, with every key below it.' })
  @ApiAuthProblems({
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404:
      '`RESOURCE.NOT_FOUND`: no such key in the caller’s tenant, or, for an API key caller, a key that is ' +
      'neither that key nor minted below it (the same answer).',
  })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.apiKeys.revoke(principal, id, String(request.id));
  }
}
