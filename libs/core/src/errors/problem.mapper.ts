import { STATUS_CODES } from 'node:http';

import { HttpException } from '@nestjs/common';

import { INVALID_MEDIA_TYPE_DETAIL } from '../http/media-type.util';
import { DomainException } from './domain.exception';
import { type ProblemViolation } from './problem.types';

/** What the filter needs to answer: status, code, texts, violations, extensions and headers. */
export interface MappedProblem {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: ProblemViolation[];
  extensions: Record<string, unknown>;
  headers: Record<string, string>;
  /** True when the cause is unexpected: the stack is logged and nothing internal is returned. */
  unexpected: boolean;
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'REQUEST.BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'REQUEST.BAD_CONTENT_LENGTH',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'REQUEST.MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'REQUEST.MALFORMED_JSON',
  FST_ERR_BAD_URL: 'REQUEST.BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'REQUEST.PATH_PARAM_TOO_LONG',
  TG_ERR_JSON_TOO_DEEP: 'REQUEST.JSON_TOO_DEEP',
  TG_ERR_UNSUPPORTED_MEDIA_TYPE: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
};

/** Details of our own for Fastify's: no echo of the request's path (the router's messages quote it). */
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_BAD_URL: 'The request path is not a valid URL (bad percent-encoding).',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is longer than the route allows.',
  // Fastify's own 415 answers only a Content-Type it cannot parse: the catch-all body parser answers the rest.
  FST_ERR_CTP_INVALID_MEDIA_TYPE: INVALID_MEDIA_TYPE_DETAIL,
};

const HTTP_CODES: Record<number, string> = {
  400: 'REQUEST.BAD_REQUEST',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'RESOURCE.NOT_FOUND',
  405: 'REQUEST.METHOD_NOT_ALLOWED',
  409: 'RESOURCE.CONFLICT',
  413: 'REQUEST.BODY_TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  422: 'REQUEST.VALIDATION_FAILED',
  429: 'RATE.LIMITED',
  503: 'SERVICE.UNAVAILABLE',
};

function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function fromHttpException(exception: HttpException): MappedProblem {
  // Nest's FastifyAdapter hands Fastify's own 4xx errors (body parser, content type) over wrapped in an
  // HttpException; their code is on the cause.
  const cause: unknown = exception.cause;
  if (isClientFrameworkError(cause) && cause.code && Object.hasOwn(FASTIFY_CODES, cause.code))
    return fromFrameworkError(cause);
  const status = exception.getStatus();
  const body = exception.getResponse();
  const extensions: Record<string, unknown> = {};
  let detail = exception.message;
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    if (typeof record.message === 'string') detail = record.message;
    else if (Array.isArray(record.message)) detail = record.message.join('; ');
    // Terminus health reports travel as the exception body: keep them as extension members.
    if ('details' in record) for (const key of ['info', 'error', 'details']) extensions[key] = record[key];
  }
  // Nest's "Cannot <METHOD> <path>" for an unmatched route, whatever the method (PROPFIND, M-SEARCH…).
  if (status === 404 && /^Cannot [A-Z-]+ /.test(detail)) {
    detail = 'No route matches this method and path.';
  }
  const malformedJson = status === 400 && /not valid JSON|Unexpected .* JSON|JSON at position/i.test(detail);
  return {
    status,
    code: malformedJson ? 'REQUEST.MALFORMED_JSON' : (HTTP_CODES[status] ?? `HTTP.${status}`),
    title: titleOf(status),
    detail: status >= 500 && status !== 503 ? titleOf(status) : detail,
    extensions,
    headers: {},
    unexpected: status >= 500 && status !== 503,
  };
}

function fromFrameworkError(error: { statusCode: number; code?: string; message?: string }): MappedProblem {
  const status = error.statusCode;
  const code = (error.code && FASTIFY_CODES[error.code]) ?? HTTP_CODES[status] ?? `HTTP.${status}`;
  const detail =
    code === 'REQUEST.MALFORMED_JSON'
      ? `The body is not valid JSON: ${error.message ?? ''}`.trim()
      : ((error.code && FASTIFY_DETAILS[error.code]) ?? error.message ?? '');
  return { status, code, title: titleOf(status), detail, extensions: {}, headers: {}, unexpected: false };
}

function isClientFrameworkError(
  error: unknown,
): error is { statusCode: number; code?: string; message?: string } {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}

/** Maps anything thrown during a request to the problem the client sees. */
export function mapToProblem(exception: unknown): MappedProblem {
  if (exception instanceof DomainException) {
    return {
      status: exception.status,
      code: exception.code,
      title: exception.title,
      detail: exception.detail,
      errors: exception.errors,
      extensions: exception.extensions,
      headers: exception.headers,
      unexpected: exception.status === 500,
    };
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (isClientFrameworkError(exception)) return fromFrameworkError(exception);
  return {
    status: 500,
    code: 'INTERNAL.UNEXPECTED',
    title: 'Internal Server Error',
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
    extensions: {},
    headers: {},
    unexpected: true,
  };
}
