import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CatalogModule } from '@toolgate/catalog';

import { HttpApiEntity } from './entities/http-api.entity';
import { HttpApiClient } from './http-api.client';
import { HttpApiRegistry } from './http-api-registry.service';
import { httpProviderConfig } from './http-provider.config';
import { HttpProviderService } from './http-provider.service';
import { OpenApiController } from './openapi.controller';
import { OpenApiIngestionService } from './openapi-ingestion.service';

/** The `http` provider: OpenAPI ingestion (`POST /manifests/openapi`) and invocation of ingested operations. */
@Module({
  imports: [
    ConfigModule.forFeature(httpProviderConfig),
    TypeOrmModule.forFeature([HttpApiEntity]),
    CatalogModule,
  ],
  controllers: [OpenApiController],
  providers: [HttpApiClient, HttpApiRegistry, HttpProviderService, OpenApiIngestionService],
  exports: [HttpProviderService],
})
export class HttpProviderModule {}
