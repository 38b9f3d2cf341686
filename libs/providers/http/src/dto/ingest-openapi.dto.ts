import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { HTTP_API_SECRET_ENV, HTTP_API_SECRET_ENV_MAX } from '../http-api-secret.util';
import { HTTP_AUTH_TYPES, type HttpAuthType } from '../http-api.types';

const API_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

// Text rather than an object: linters of the gateway's own OpenAPI document would lint an object example too.
const SPEC_EXAMPLE =
  'openapi: "3.0.0"\ninfo: { title: Swagger Petstore, version: 1.0.0 }\npaths:\n  /pets:\n    get:\n' +
  '      operationId: listPets\n      responses: { "200": { description: A paged array of pets } }\n';

/** Upstream credential: a reference to the variable that holds it, never the secret. */
export class HttpApiAuthDto {
  @ApiProperty({ enum: HTTP_AUTH_TYPES, example: 'bearer' })
  @IsIn(HTTP_AUTH_TYPES)
  type: HttpAuthType;

  @ApiProperty({
    description:
      'Name of the environment variable holding the secret (read by the token broker): ' +
      '`HTTP_API_<TENANT>__<NAME>` for an API of a tenant, `HTTP_API_<NAME>` without `__` for a platform-wide ' +
      '(`public`) one. `<TENANT>` is a slug tenant upper-cased with `-` as `_` (`acme-eu` → `ACME_EU`); any other ' +
      'tenant is `_` and the upper-case hex of its name (`acme_eu` → `_61636D655F6575`). A refused ' +
      'variable gets a 422 naming the expected prefix.',
    example: 'HTTP_API_ACME__PETSTORE_TOKEN',
    maxLength: HTTP_API_SECRET_ENV_MAX,
    pattern: HTTP_API_SECRET_ENV.source,
  })
  @IsString()
  @Matches(HTTP_API_SECRET_ENV, {
    message: 'secret_env must name an HTTP_API_* variable (HTTP_API_<TENANT>__<NAME> for a tenant API)',
  })
  secret_env: string;

  @ApiPropertyOptional({
    description:
      'Header (`header`) or query parameter (`query`) carrying the secret; required for those types.',
    example: 'X-API-Key',
    maxLength: 100,
    pattern: TOKEN.source,
  })
  @ValidateIf((auth: HttpApiAuthDto) => auth.type !== 'bearer' || auth.name !== undefined)
  @IsString()
  @Matches(TOKEN, { message: 'name must be a header or parameter name' })
  name?: string;
}

/** Body of `POST /manifests/openapi`. */
export class IngestOpenApiDto {
  @ApiProperty({
    description: 'API name: tools are `http.<name>:<operationId>`, their scope `http.<name>`.',
    example: 'petstore',
    maxLength: 40,
    pattern: API_NAME.source,
  })
  @IsString()
  @Matches(API_NAME, { message: 'name must be lowercase letters, digits and dashes (at most 40)' })
  name: string;

  @ApiProperty({
    description:
      'OpenAPI 3.0/3.1 document, as an object or as YAML/JSON text. Only local `#/components/...` `$ref`s ' +
      'are resolved; size and operation count are limited.',
    oneOf: [
      { type: 'object', additionalProperties: true },
      { type: 'string', maxLength: 4_194_304 },
    ],
    example: SPEC_EXAMPLE,
  })
  @IsDefined()
  spec: Record<string, unknown> | string;

  @ApiProperty({
    description:
      'Where the API is served (http or https). Must pass the SSRF guard (HTTP_PROVIDER_ALLOWED_HOSTS).',
    example: 'https://petstore.example.com/v1',
    maxLength: 2048,
  })
  @IsString()
  @MaxLength(2048)
  base_url: string;

  @ApiPropertyOptional({ type: HttpApiAuthDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HttpApiAuthDto)
  auth?: HttpApiAuthDto;
}

export class IngestedToolDto {
  @ApiProperty({ example: 'http.petstore:listPets', maxLength: 200 })
  toolId: string;

  @ApiProperty({ example: 1, minimum: 1, maximum: 2_147_483_647, format: 'int32' })
  version: number;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: 64 },
    maxItems: 20,
    example: ['read-only'],
  })
  safety_tags: string[];
}

export class SkippedOperationDto {
  @ApiProperty({ example: 'POST /upload', maxLength: 2100 })
  operation: string;

  @ApiProperty({
    example: 'request body media types multipart/form-data are not supported (JSON only)',
    maxLength: 2000,
  })
  reason: string;
}

export class IngestedAuthDto extends HttpApiAuthDto {
  @ApiProperty({ description: 'Whether the variable is set on this replica.', example: true })
  configured: boolean;
}

/** The outcome of an ingestion. */
export class IngestOpenApiResultDto {
  @ApiProperty({ example: 'petstore', maxLength: 40 })
  name: string;

  @ApiProperty({ example: 'acme', maxLength: 128 })
  tenant: string;

  @ApiProperty({ example: 'https://petstore.example.com/v1', maxLength: 2048 })
  base_url: string;

  @ApiProperty({
    description: 'Version of the API definition.',
    example: 1,
    minimum: 1,
    maximum: 2_147_483_647,
    format: 'int32',
  })
  version: number;

  @ApiPropertyOptional({ type: IngestedAuthDto })
  auth?: IngestedAuthDto;

  @ApiProperty({ type: [IngestedToolDto], maxItems: 2000 })
  tools: IngestedToolDto[];

  @ApiProperty({
    description: 'Tools of earlier ingestions whose operation is gone: disabled.',
    type: 'array',
    items: { type: 'string', maxLength: 200 },
    maxItems: 2000,
    example: ['http.petstore:deletePet'],
  })
  disabled: string[];

  @ApiProperty({ type: [SkippedOperationDto], maxItems: 2000 })
  skipped: SkippedOperationDto[];
}
