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

/**
 * Reads a response body, refusing one over `limitBytes` so a misbehaving upstream cannot fill memory. With
 * the response's `Content-Length`, a body declared too large is refused before any byte is read, and one
 * declared within the limit is read whole (undici reads no byte past the declared length).
 */
export async function readBodyBytes(
  body: Dispatcher.ResponseData['body'],
  limitBytes: number,
  contentLength?: string | string[],
): Promise<Buffer> {
  const declared = Array.isArray(contentLength) ? contentLength[0] : contentLength;
  if (declared !== undefined && /^\d+$/.test(declared)) {
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
): Promise<string> {
  return (await readBodyBytes(body, limitBytes, contentLength)).toString('utf8');
}
