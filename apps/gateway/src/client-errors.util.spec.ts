import { Duplex } from 'node:stream';

import { clientErrorHandler } from './client-errors.util';

/** A socket that records what is written to it. */
function fakeSocket(inFlight?: {
  headersSent: boolean;
}): Duplex & { written: string; _httpMessage?: unknown } {
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      socket.written += chunk.toString();
      done();
    },
  }) as Duplex & { written: string; _httpMessage?: unknown };
  socket.written = '';
  socket._httpMessage = inFlight;
  socket.on('error', () => undefined); // Node's HTTP server keeps one on every socket, too
  return socket;
}

const error = (code: string) => Object.assign(new Error(code), { code });

describe('clientErrorHandler', () => {
  const handle = clientErrorHandler({ 'x-content-type-options': 'nosniff' });

  it.each([
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'REQUEST.TIMEOUT'],
    ['HPE_HEADER_OVERFLOW', 431, 'REQUEST.HEADERS_TOO_LARGE'],
    ['HPE_INVALID_METHOD', 400, 'REQUEST.MALFORMED_HTTP'],
  ])('answers %s with %i problem+json, a request id and the security headers', (code, status, problem) => {
    const socket = fakeSocket();
    handle(error(code), socket);
    const [head, body] = socket.written.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toContain('content-type: application/problem+json');
    expect(head).toContain('x-content-type-options: nosniff');
    expect(head).toContain('connection: close');
    const requestId = /x-request-id: (\S+)/.exec(head)?.[1];
    expect(JSON.parse(body)).toMatchObject({ status, code: problem, request_id: requestId });
    expect(head).toContain(`content-length: ${Buffer.byteLength(body)}`);
    expect(socket.destroyed).toBe(true);
  });

  it('writes nothing once a response on the socket has started, and nothing after a reset', () => {
    const started = fakeSocket({ headersSent: true });
    handle(error('HPE_INVALID_METHOD'), started);
    expect(started.written).toBe('');
    expect(started.destroyed).toBe(true);
    const reset = fakeSocket();
    handle(error('ECONNRESET'), reset);
    expect(reset.written).toBe('');
  });
});
