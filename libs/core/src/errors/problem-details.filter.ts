import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';

import { type MappedProblem, mapToProblem } from './problem.mapper';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problemType } from './problem.types';

/** The RFC 9457 body for a mapped problem: also what idempotency stores for a 4xx answer. */
export function buildProblemBody(
  mapped: MappedProblem,
  url: string | undefined,
  requestId: string,
): ProblemDetails {
  return {
    ...mapped.extensions,
    type: problemType(mapped.code),
    title: mapped.title,
    status: mapped.status,
    detail: mapped.detail,
    instance: (url ?? '/').split('?')[0],
    request_id: requestId,
    code: mapped.code,
    ...(mapped.errors ? { errors: mapped.errors } : {}),
  };
}

/** Answers every error with RFC 9457 problem+json carrying the request id. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const mapped = mapToProblem(exception);
    const requestId = String(request.id);
    if (mapped.unexpected) {
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error({ msg: 'unexpected error', request_id: requestId, err: stack });
    }
    const body = buildProblemBody(mapped, request.url, requestId);
    if (reply.sent) return;
    reply.status(mapped.status).headers(mapped.headers).header('content-type', PROBLEM_CONTENT_TYPE);
    reply.header('x-request-id', requestId);
    reply.send(JSON.stringify(body));
  }
}
