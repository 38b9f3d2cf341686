import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import { CurrentPrincipal, type Principal, principalOf } from '@toolgate/core';
import { type PolicyResource, RequirePolicy } from '@toolgate/policy';

import { IngestOpenApiDto, IngestOpenApiResultDto } from './dto/ingest-openapi.dto';
import { HTTP_PROVIDER_KEY } from './http-api.types';
import { OpenApiIngestionService } from './openapi-ingestion.service';

/** Ingestion writes `http` manifests of the caller's own tenant. */
const ingestionResource = (request: FastifyRequest): PolicyResource => ({
  tenant: principalOf(request)?.tenant,
  provider_id: HTTP_PROVIDER_KEY,
  source: 'openapi',
});

@ApiTags('manifests')
@ApiBearerAuth('bearer')
@Controller('manifests')
export class OpenApiController {
  constructor(private readonly ingestion: OpenApiIngestionService) {}

  @Post('openapi')
  @HttpCode(200)
  @RequirePolicy('manifests:write', ingestionResource)
  @ApiOperation({
    summary: 'Ingest an OpenAPI 3 document as tools of your tenant',
    description:
      'Platform admins only. Each operation becomes `http.<name>:<operationId>` (arguments ' +
      '`{ path, query, headers, body }`, scope `http.<name>`, tagged read-only/write/destructive by method). ' +
      'Re-ingesting updates changed tools and disables those whose operation is gone. The base URL must pass ' +
      'the SSRF guard; upstream secrets are referenced by variable name only.',
  })
  @ApiOkResponse({ type: IngestOpenApiResultDto })
  @ApiForbiddenResponse({ description: 'Not a platform admin.' })
  @ApiConflictResponse({
    description:
      'A tool id is held by `public`, or the tenant would pass `CATALOG_MAX_TOOLS_PER_TENANT`; nothing is written.',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'Invalid body, base URL refused by the SSRF guard, or a document that cannot be ingested (including one ' +
      "whose `$ref`s expand past 8 × the document size limit, or past 2 × for one operation's schemas).",
  })
  ingest(
    @CurrentPrincipal() principal: Principal,
    @Body() body: IngestOpenApiDto,
  ): Promise<IngestOpenApiResultDto> {
    return this.ingestion.ingest(principal, body);
  }
}
