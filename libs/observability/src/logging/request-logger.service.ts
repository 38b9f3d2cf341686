import { Inject, Injectable } from '@nestjs/common';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Logger as Pino } from 'pino';

import { ROOT_LOGGER } from './app-logger.service';

/** The completion line of one request: never the query string, never a header but the user agent. */
export function requestLine(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  const url = request.url;
  const query = url.indexOf('?');
  return {
    request_id: request.id,
    method: request.method,
    path: query === -1 ? url : url.slice(0, query),
    route: request.routeOptions.url ?? 'unmatched',
    user_agent: request.headers['user-agent'],
    res: { status: reply.statusCode },
    latency_ms: Math.round(reply.elapsedTime * 100) / 100,
  };
}

/**
 * Writes one JSON line per answered request from a Fastify `onResponse` hook (`request completed`, or
 * `request errored` at `error` for 5xx). Nothing is built when the level is off, and there is no
 * per-request child logger or async context: both were a large share of a request's cost.
 */
@Injectable()
export class RequestLogger {
  constructor(@Inject(ROOT_LOGGER) private readonly pino: Pino) {}

  install(fastify: FastifyInstance): void {
    const pino = this.pino;
    fastify.addHook('onResponse', (request, reply, done) => {
      const failed = reply.statusCode >= 500;
      if (pino.isLevelEnabled(failed ? 'error' : 'info')) {
        if (failed) pino.error(requestLine(request, reply), 'request errored');
        else pino.info(requestLine(request, reply), 'request completed');
      }
      done();
    });
  }
}
