import { NestFactory } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { loadAppConfig } from '@toolgate/config';

import { createFastifyAdapter } from './app.factory';
import { GatewayModule } from './gateway.module';
import { buildOpenApiConfig, finalizeOpenApiDocument } from './openapi.config';

/**
 * Builds the OpenAPI document without connecting anywhere: Nest's preview mode resolves the module graph
 * and controller metadata but instantiates no provider (no database, no embedded Postgres).
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(),
    createFastifyAdapter(loadAppConfig()),
    { preview: true, logger: false, abortOnError: false },
  );
  try {
    return finalizeOpenApiDocument(SwaggerModule.createDocument(app, buildOpenApiConfig()));
  } finally {
    await app.close();
  }
}
