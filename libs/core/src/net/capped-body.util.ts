import { type Dispatcher } from 'undici';

/** A response body was larger than the reader allows (the connection is dropped, nothing more is read). */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`response body larger than ${limitBytes} bytes`);
  }
}

/** Drops the connection under `body`; the abort it raises is expected, not an unhandled 'error' event. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** The request and answer a body belongs to: some answers have none, whatever their `Content-Length` says. */
export interface BodyExchange {
  method: string;
  status: number;
}

/** Whether an answer carries a body (RFC 9110 §6.4.1): none to a HEAD, none with a 1xx, 204 or 304. */
export function exchangeHasBody({ method, status }: BodyExchange): boolean {
  return method.toUpperCase() !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;
}

/**
 * Reads a response body, refusing one over `limitBytes` so a misbehaving upstream cannot fill memory. With
 * the response's `Content-Length`, a body declared too large is refused before any byte is read, and one
 * declared within the limit is read whole (undici reads no byte past the declared length). Given the
 * `exchange`, an answer without a body (a HEAD's, a 204's, a 304's) is read without that check: its
 * `Content-Length` describes the body a GET would get, so a HEAD of a large resource is no error.
 */
export async function readBodyBytes(
  body: Dispatcher.ResponseData['body'],
  limitBytes: number,
  contentLength?: string | string[],
  exchange?: BodyExchange,
): Promise<Buffer> {
  const declared = Array.isArray(contentLength) ? contentLength[0] : contentLength;
  const bodyless = exchange !== undefined && !exchangeHasBody(exchange);
  if (!bodyless && declared !== undefined && /^\d+$/.test(declared)) {
    if (Number(declared) > limitBytes) {
      discard(body);
      throw new BodyTooLargeError(limitBytes);
    }
    return Buffer.from(await body.arrayBuffer());
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      discard(body);
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `readBodyBytes` as UTF-8 text. */
export async function readBody(
  body: Dispatcher.ResponseData['body'],
  limitBytes: number,
  contentLength?: string | string[],
  exchange?: BodyExchange,
): Promise<string> {
  return (await readBodyBytes(body, limitBytes, contentLength, exchange)).toString('utf8');
}
