import { readFileSync } from 'node:fs';

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';

import { type AppConfig, loadAppConfig } from '@toolgate/config';
import {
  generateRequestId,
  JsonTooDeepError,
  MAX_JSON_BODY_DEPTH,
  nestsDeeperThan,
  REQUEST_ID_HEADER,
} from '@toolgate/core';
import { AppLogger, MetricsService, RequestLogger } from '@toolgate/observability';

import { GatewayModule, type GatewayModuleOptions } from './gateway.module';
import { buildOpenApiConfig, finalizeOpenApiDocument } from './openapi.config';
import { routerErrorHandler } from './router-errors.util';
import { securityHeaders } from './security-headers';

export const BODY_LIMIT_BYTES = 1024 * 1024;

function httpsOptions(config: AppConfig) {
  if (!config.tls) return undefined;
  return {
    cert: readFileSync(config.tls.certFile),
    key: readFileSync(config.tls.keyFile),
    ca: config.tls.caFile ? readFileSync(config.tls.caFile) : undefined,
    requestCert: config.tls.requireClientCert,
    rejectUnauthorized: config.tls.requireClientCert,
  };
}

/** How long receiving one request may take. */
export const REQUEST_TIMEOUT_MS = 30_000;

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const https = httpsOptions(config);
  const options = {
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: generateRequestId,
    requestIdHeader: false,
    routerOptions: { maxParamLength: 512 },
    // The router's own 400/414 answers, as problem+json with the request id and security headers.
    frameworkErrors: routerErrorHandler(securityHeaders()),
    return503OnClosing: true,
    // Receiving a request (headers and body) may take at most this long: without it (Fastify's default is
    // 0), a client trickling bodies keeps up to 1 MiB buffered per socket for as long as it likes. Answers
    // (MCP streams included) are not limited by it.
    requestTimeout: REQUEST_TIMEOUT_MS,
    ...(https ? { https } : {}),
  };
  return new FastifyAdapter(options as ConstructorParameters<typeof FastifyAdapter>[0]) as FastifyAdapter;
}

/** Global wiring shared by `main.ts`, the tests and the OpenAPI export; does not listen. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(AppLogger));
  // Not SIGHUP: it reloads the policy (PolicyService) instead of stopping the process.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT', 'SIGQUIT']);
  const fastify = app.getHttpAdapter().getInstance();
  // JSON bodies: nesting is bounded before the parser runs (see nestsDeeperThan), then Fastify's own
  // parser refuses __proto__ and constructor.prototype as before.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) => {
    if (nestsDeeperThan(body, MAX_JSON_BODY_DEPTH)) return done(new JsonTooDeepError(MAX_JSON_BODY_DEPTH));
    // Typed for strings; it takes the buffer as Nest's own JSON parser hands it over.
    parseJson(request as Parameters<typeof parseJson>[0], body as unknown as string, done);
  });
  const headers = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.get(MetricsService).install(fastify);
  app.get(RequestLogger).install(fastify);
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      credentials: false,
      exposedHeaders: [
        'x-request-id',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ],
    });
  }
  const document = finalizeOpenApiDocument(SwaggerModule.createDocument(app, buildOpenApiConfig()));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}

export interface CreatedGateway {
  app: NestFastifyApplication;
  config: AppConfig;
}

/** Builds and configures the gateway (not listening yet). */
export async function createGatewayApp(options: GatewayModuleOptions = {}): Promise<CreatedGateway> {
  const config = loadAppConfig();
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(options),
    createFastifyAdapter(config),
    { bufferLogs: true, abortOnError: false, logger: false },
  );
  await configureApp(app, config);
  return { app, config };
}
