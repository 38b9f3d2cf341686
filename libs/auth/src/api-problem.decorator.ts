import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status', 'detail', 'instance', 'request_id', 'code'],
  properties: {
    type: { type: 'string', maxLength: 200, example: 'urn:toolgate:problem:auth-invalid-token' },
    title: { type: 'string', maxLength: 200, example: 'Unauthorized' },
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 401 },
    detail: { type: 'string', maxLength: 4096, example: 'The credential is invalid, expired or revoked.' },
    instance: { type: 'string', maxLength: 2048, example: '/api-keys' },
    request_id: { type: 'string', maxLength: 128, example: '5d0f3c1e-8e4b-4a9f-9f51-0c3b2a1d9e77' },
    code: { type: 'string', maxLength: 100, example: 'AUTH.INVALID_TOKEN' },
  },
};

const WWW_AUTHENTICATE = {
  'WWW-Authenticate': {
    description: '`Bearer realm="toolgate"`, with `error="invalid_token"` when a credential was rejected.',
    schema: { type: 'string', maxLength: 200 },
  },
};

/** Documents problem+json answers of the auth routes (`{ 401: '…', 404: '…' }`). */
export function ApiAuthProblems(responses: Record<number, string>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(responses).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        ...(status === '401' ? { headers: WWW_AUTHENTICATE } : {}),
        content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
      }),
    ),
  );
}
