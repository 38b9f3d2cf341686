import { DocumentBuilder, type OpenAPIObject } from '@nestjs/swagger';

import { MAX_REPORTED_VIOLATIONS } from '@toolgate/core';

type Operation = {
  security?: unknown[];
  responses?: Record<string, { description?: string; headers?: Record<string, unknown>; content?: unknown }>;
};

const OPS_PATHS = /^\/(health|metrics|docs|\.well-known)/;

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status', 'detail', 'instance', 'request_id', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', maxLength: 200, example: 'urn:toolgate:problem:policy-denied' },
    title: { type: 'string', maxLength: 200, example: 'Forbidden' },
    status: { type: 'integer', format: 'int32', minimum: 100, maximum: 599, example: 403 },
    detail: { type: 'string', maxLength: 2000, example: 'Denied by rule tenant-isolation.' },
    instance: { type: 'string', maxLength: 2000, example: '/tools/ads:createCampaign/invoke' },
    request_id: { type: 'string', maxLength: 128, example: '2f1c7a8e-3b8e-4d55-9a57-0f9b8f1d2c3a' },
    code: { type: 'string', maxLength: 100, example: 'POLICY.DENIED' },
    errors: {
      type: 'array',
      description: 'The violations, at most 100 (`errors_truncated` says there were more).',
      maxItems: MAX_REPORTED_VIOLATIONS,
      items: {
        type: 'object',
        properties: {
          pointer: { type: 'string', maxLength: 1000, example: '/budget' },
          detail: { type: 'string', maxLength: 1000, example: 'must be >= 1' },
        },
      },
    },
    errors_truncated: { type: 'boolean', description: 'Present (true) when `errors` was cut at 100.' },
  },
};

const header = (description: string, schema: Record<string, unknown>) => ({ description, schema });
const REQUEST_ID = header('Request id (echoed from the request or generated).', {
  type: 'string',
  maxLength: 128,
});
const CORS_ORIGIN = header('Sent only to origins listed in CORS_ORIGINS (CORS is off by default).', {
  type: 'string',
  maxLength: 2000,
});
const INT = { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 };
const RATE_HEADERS = {
  'RateLimit-Limit': header('Requests allowed in the current window.', INT),
  'RateLimit-Remaining': header('Requests left in the current window.', INT),
  'RateLimit-Reset': header('Seconds until the window resets.', INT),
};
const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

const COMMON_HEADERS = { 'X-Request-Id': REQUEST_ID, 'Access-Control-Allow-Origin': CORS_ORIGIN };

function problem(description: string, extraHeaders: Record<string, unknown> = {}) {
  return { description, headers: { ...COMMON_HEADERS, ...extraHeaders }, content: PROBLEM_CONTENT };
}

/** Adds what every operation shares: problem responses, request id and rate-limit headers. */
function finalizeOperation(path: string, operation: Operation): void {
  const responses = (operation.responses ??= {});
  const api = !OPS_PATHS.test(path);
  for (const [status, response] of Object.entries(responses)) {
    response.headers = {
      ...COMMON_HEADERS,
      ...(api && /^[24]/.test(status) ? RATE_HEADERS : {}),
      ...response.headers,
    };
    if (/^[45]/.test(status) && !response.content) response.content = PROBLEM_CONTENT;
  }
  responses['500'] ??= problem('Unexpected error; no internal detail is returned.');
  if (!api) return;
  responses['429'] ??= problem('Rate limited.');
  responses['429'].headers = {
    ...responses['429'].headers,
    'Retry-After': header('Seconds to wait.', INT),
    ...RATE_HEADERS,
  };
  responses['400'] ??= problem('Malformed request (bad JSON, bad parameters).', RATE_HEADERS);
  if (operation.security?.length) {
    responses['401'] ??= problem('Missing or invalid credentials.', RATE_HEADERS);
    responses['403'] ??= problem('Denied by policy (names the rule or the missing scopes).', RATE_HEADERS);
  }
}

export function buildOpenApiConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Toolgate')
    .setDescription(
      'Governance gateway between AI agents and the tools they call: a per-caller tool catalog, RS256 JWT ' +
        'authentication, policy-based authorization, confirmation gates, token brokering, rate limits, ' +
        'idempotency and a hash-chained audit trail. Every error is RFC 9457 problem+json with a request id.',
    )
    .setVersion('0.1.0')
    .setLicense('Proprietary', 'https://toolgate.invalid/license')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'RS256/ES256 JWT validated per RFC8725 (explicit algorithm allow-list, issuer, audience, expiry, key by ' +
          'kid from a JWKS; embedded key headers ignored), or a `tg_` API key.',
      },
      'bearer',
    )
    .build();
}

/** Final touches applied to the generated document (shared by /docs-json and the Spectral export). */
export function finalizeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  document.servers = [
    {
      url: '/',
      description: 'This gateway deployment (local, staging or production)',
      'x-internal': false,
    } as never,
  ];
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, Problem: PROBLEM_SCHEMA as never };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item)) {
      if (operation && typeof operation === 'object' && 'responses' in operation) {
        finalizeOperation(path, operation as Operation);
      }
    }
  }
  return document;
}
