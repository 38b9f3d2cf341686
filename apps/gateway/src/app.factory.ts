import { readFileSync } from 'node:fs';

import { NestFactory } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';

import { type AppConfig, loadAppConfig } from '@toolgate/config';
import {
  buildProblemBody,
  DomainException,
  generateRequestId,
  JsonTooDeepError,
  mapToProblem,
  MAX_JSON_BODY_DEPTH,
  nestsDeeperThan,
  PROBLEM_CONTENT_TYPE,
  REQUEST_ID_HEADER,
  UnsupportedMediaTypeError,
} from '@toolgate/core';
import { AppLogger, MetricsService, RequestLogger } from '@toolgate/observability';

import { clientErrorHandler, expectationFailedHandler } from './client-errors.util';
import { limitDocsAssets } from './docs-assets.util';
import { DrainingFastifyAdapter } from './draining-adapter.util';
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

/**
 * `application/<subtype>+json` (`merge-patch+json`, `vnd.example+json`), as Fastify hands the content type
 * to a RegExp parser: lower case, parameters after `; `. Not `application/json-seq` and the like.
 */
export const JSON_SUFFIX_MEDIA_TYPE = /^application\/[^;\s/]+\+json(?:;|$)/;

/** How long receiving one request may take. */
export const REQUEST_TIMEOUT_MS = 30_000;

export function createFastifyAdapter(config: AppConfig): DrainingFastifyAdapter {
  const https = httpsOptions(config);
  const options = {
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: generateRequestId,
    requestIdHeader: false,
    routerOptions: { maxParamLength: 512 },
    // The router's own 400/414 answers, as problem+json with the request id and security headers.
    frameworkErrors: routerErrorHandler(securityHeaders()),
    // What Node's parser refuses before a request exists (400, 408, 431), the same way.
    clientErrorHandler: clientErrorHandler(securityHeaders()),
    // Requests arriving while the app shuts down are answered 503 by `configureApp`'s hook, not Fastify.
    return503OnClosing: false,
    // Receiving a request (headers and body) may take at most this long: without it (Fastify's default is
    // 0), a client trickling bodies keeps up to 1 MiB buffered per socket for as long as it likes. Answers
    // (MCP streams included) are not limited by it.
    requestTimeout: REQUEST_TIMEOUT_MS,
    ...(https ? { https } : {}),
  };
  const adapter = new DrainingFastifyAdapter(
    options as ConstructorParameters<typeof DrainingFastifyAdapter>[0],
  );
  // An `Expect` other than 100-continue: 417 as problem+json (Node's own has no body and no request id).
  adapter.getInstance().server.on('checkExpectation', expectationFailedHandler(securityHeaders()));
  return adapter;
}

const SHUTTING_DOWN = new DomainException('SERVICE.SHUTTING_DOWN', 503, 'Service Unavailable', {
  detail: 'The gateway is shutting down; retry the request.',
});

/** Global wiring shared by `main.ts`, the tests and the OpenAPI export; does not listen. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(AppLogger));
  // Not SIGHUP: it reloads the policy (PolicyService) instead of stopping the process.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT', 'SIGQUIT']);
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies are JSON only (tool arguments and every DTO): application/json and the +json types. Nest's form
  // parser is never registered (`bodyParser: false`) and Fastify's built-in text/plain one is removed, so
  // any other media type answers 415 REQUEST.UNSUPPORTED_MEDIA_TYPE instead of reaching a handler as a
  // string or an object of form fields. Nesting is bounded before the parser runs (see nestsDeeperThan),
  // then Fastify's own parser refuses __proto__ and constructor.prototype as before.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const jsonBody: Parameters<typeof app.useBodyParser>[2] = (request, body, done) => {
    if (nestsDeeperThan(body, MAX_JSON_BODY_DEPTH)) return done(new JsonTooDeepError(MAX_JSON_BODY_DEPTH));
    // Typed for strings; it takes the buffer as Nest's own JSON parser hands it over.
    parseJson(request as Parameters<typeof parseJson>[0], body as unknown as string, done);
  };
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, jsonBody);
  app.useBodyParser(JSON_SUFFIX_MEDIA_TYPE, { bodyLimit: BODY_LIMIT_BYTES }, jsonBody);
  fastify.removeContentTypeParser('text/plain');
  // An empty body is no body, whatever Content-Type a client put on it (`curl -d ''`, .NET's StringContent):
  // bodyless approve, revoke and reload calls are not 415, and MCP clients still get their 401. Any other
  // body is 415, naming the media type that was sent (its type/subtype only) and the one required.
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES },
    (request, body, done) => {
      if ((body as Buffer).length === 0) return done(null, undefined);
      done(new UnsupportedMediaTypeError(request.headers['content-type']), undefined);
    },
  );
  const headers = securityHeaders();
  const adapter = app.getHttpAdapter();
  const drainable = adapter instanceof DrainingFastifyAdapter ? adapter : undefined;
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header(REQUEST_ID_HEADER, request.id);
    if (!drainable?.draining) return done();
    // Shutting down: new requests go elsewhere (the load balancer retries them), on a closing connection.
    const problem = mapToProblem(SHUTTING_DOWN);
    reply
      .code(503)
      .header('connection', 'close')
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(buildProblemBody(problem, request.url, String(request.id))));
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
  limitDocsAssets(fastify, '/docs');
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
    // No default body parsers: `configureApp` registers the JSON ones (Nest's default adds form bodies).
    { bufferLogs: true, abortOnError: false, logger: false, bodyParser: false },
  );
  await configureApp(app, config);
  return { app, config };
}
