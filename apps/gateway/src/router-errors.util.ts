import { Logger } from '@nestjs/common';
import { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';

import { buildProblemBody, mapToProblem, PROBLEM_CONTENT_TYPE, REQUEST_ID_HEADER } from '@toolgate/core';

const logger = new Logger('ProblemDetails');

/**
 * Fastify's `frameworkErrors`: the router answers a malformed URL (400 `REQUEST.BAD_URL`) or an over-long
 * path parameter (414) before any hook, guard or filter runs. This answers them as the problem filter
 * would (problem+json, `code`, request id header and member) with the security headers the skipped
 * `onRequest` hook would have set.
 */
export function routerErrorHandler(headers: Record<string, string>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const mapped = mapToProblem(error);
    const requestId = String(request.id);
    if (mapped.unexpected)
      logger.error({ msg: 'unexpected router error', request_id: requestId, err: error.stack });
    reply
      .headers(headers)
      .headers(mapped.headers)
      .header(REQUEST_ID_HEADER, requestId)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .status(mapped.status)
      .send(JSON.stringify(buildProblemBody(mapped, request.url, requestId)));
  };
}
