import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { type Duplex } from 'node:stream';

import { Logger } from '@nestjs/common';

import { buildProblemBody, generateRequestId, PROBLEM_CONTENT_TYPE, REQUEST_ID_HEADER } from '@toolgate/core';

const logger = new Logger('ProblemDetails');

interface ClientProblem {
  status: number;
  code: string;
  detail: string;
}

/** What Node's HTTP parser refuses before any request exists (`clientError`), by the error's code. */
function problemOf(error: NodeJS.ErrnoException): ClientProblem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'REQUEST.HEADERS_TOO_LARGE', detail: 'The request headers are too large.' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'REQUEST.BODY_TOO_LARGE', detail: 'The chunk extensions are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST.TIMEOUT', detail: 'The request took too long to arrive.' };
    default:
      return {
        status: 400,
        code: 'REQUEST.MALFORMED_HTTP',
        detail: 'The request is not valid HTTP/1.1 (request line, header names or values, or framing).',
      };
  }
}

/** Status line, headers and a problem+json body for `problem`, answered on a connection that then closes. */
function problemBody(problem: ClientProblem, requestId: string, url?: string): string {
  const mapped = { ...problem, title: STATUS_CODES[problem.status] ?? 'Error', extensions: {}, headers: {} };
  return JSON.stringify(buildProblemBody({ ...mapped, unexpected: false }, url, requestId));
}

function responseHeaders(security: Record<string, string>, requestId: string, body: string) {
  return {
    ...security,
    [REQUEST_ID_HEADER]: requestId,
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
}

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refuses (a malformed request line, a bad character
 * in a header name or value, CR/LF inside `X-Request-Id`, the leftover of a wrong `Content-Length`, headers
 * over the size limit: 431, a request too slow to arrive: 408) is answered as problem+json with a fresh
 * request id and the security headers, instead of Fastify's own JSON. Nothing is written when the socket
 * cannot take it or a response on it has already started (as Node itself does), and the connection closes.
 */
export function clientErrorHandler(security: Record<string, string>) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const problem = problemOf(error);
      const requestId = randomUUID();
      const body = problemBody(problem, requestId);
      const head = Object.entries(responseHeaders(security, requestId, body))
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${head}\r\n${body}`);
      logger.debug({ msg: 'client error', request_id: requestId, code: error.code, status: problem.status });
    }
    socket.destroy(error);
  };
}

/**
 * The HTTP server's `checkExpectation` listener: an `Expect` other than `100-continue` answers 417 as
 * problem+json with the request id (Node's own answer has no body and no headers).
 */
export function expectationFailedHandler(security: Record<string, string>) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const requestId = generateRequestId(request);
    const problem = {
      status: 417,
      code: 'REQUEST.EXPECTATION_FAILED',
      detail: 'Only "Expect: 100-continue" is supported.',
    };
    const body = problemBody(problem, requestId, request.url);
    response.writeHead(417, responseHeaders(security, requestId, body)).end(body);
  };
}
