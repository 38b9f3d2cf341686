import { type FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

import { McpAnswerTooLargeException, McpRedirectException } from '../mcp.exception';

/** JSON-RPC code (implementation-defined server error range) of the error the gateway answers itself. */
export const ANSWER_TOO_LARGE_CODE = -32_099;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface CappedFetchOptions {
  server: string;
  /** The most one answer may hold: a whole body, or one event of an SSE stream. */
  maxBytes: number;
  /** An event of a stream that answers no request was too large (the session is to be dropped). */
  onStreamTooLarge?: () => void;
}

/**
 * The fetch of every upstream HTTP request: a redirect is never followed (502), and an answer is read up
 * to `maxBytes` only. A JSON body past the limit errors (the connection is dropped) and the request fails
 * with a 502 naming the limit. An SSE stream is capped per event, so a long-lived notification stream
 * lives on: when an event of a POST's stream is too large, the stream ends with a JSON-RPC error for that
 * request; on a stream that answers no request, the stream errors and `onStreamTooLarge` is called.
 */
export function cappedFetch(base: FetchLike, options: CappedFetchOptions): FetchLike {
  return async (url, init) => {
    const response = await base(url, { ...init, redirect: 'manual' });
    if (REDIRECT_STATUSES.has(response.status) || response.type === 'opaqueredirect') {
      await response.body?.cancel().catch(() => undefined);
      throw new McpRedirectException(options.server, response.status);
    }
    if (!response.body) return response;
    const tooLarge = new McpAnswerTooLargeException(options.server, options.maxBytes);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > options.maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge;
    }
    const sse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
    const capped = sse
      ? response.body.pipeThrough(eventCap(options, tooLarge, requestIdOf(init?.body)))
      : response.body.pipeThrough(totalCap(options.maxBytes, tooLarge));
    const { status, statusText, headers } = response;
    return new Response(capped, { status, statusText, headers });
  };
}

function totalCap(maxBytes: number, tooLarge: Error): TransformStream<Uint8Array, Uint8Array> {
  let size = 0;
  return new TransformStream({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > maxBytes) controller.error(tooLarge);
      else controller.enqueue(chunk);
    },
  });
}

/** Counts the bytes of the current SSE event (an empty line ends one; `\r` is ignored for that). */
function eventCap(
  options: CappedFetchOptions,
  tooLarge: McpAnswerTooLargeException,
  requestId: string | number | undefined,
): TransformStream<Uint8Array, Uint8Array> {
  let eventBytes = 0;
  let lineEmpty = true;
  const exceeded = (chunk: Uint8Array): boolean => {
    for (let pos = 0; pos < chunk.length;) {
      const newline = chunk.indexOf(0x0a, pos);
      const end = newline === -1 ? chunk.length : newline;
      if (end - pos > 1 || (end - pos === 1 && chunk[pos] !== 0x0d)) lineEmpty = false;
      eventBytes += end - pos;
      if (eventBytes > options.maxBytes) return true;
      if (newline === -1) break;
      eventBytes = lineEmpty ? 0 : eventBytes + 1;
      lineEmpty = true;
      pos = newline + 1;
    }
    return false;
  };
  return new TransformStream({
    transform(chunk, controller) {
      if (!exceeded(chunk)) return controller.enqueue(chunk);
      if (requestId === undefined) {
        controller.error(tooLarge);
        options.onStreamTooLarge?.();
        return;
      }
      // Ends the partial event (it fails to parse and is skipped), then answers the request.
      const error = {
        code: ANSWER_TOO_LARGE_CODE,
        message: tooLarge.detail,
        data: { limit_bytes: options.maxBytes },
      };
      const event = `\n\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: requestId, error })}\n\n`;
      controller.enqueue(new TextEncoder().encode(event));
      controller.terminate();
    },
  });
}

/** The id of the JSON-RPC request a POST carries (the SDK sends one message per request, as JSON text). */
function requestIdOf(body: unknown): string | number | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = JSON.parse(body) as { id?: unknown; method?: unknown };
    const { id } = message;
    return typeof message.method === 'string' && (typeof id === 'string' || typeof id === 'number')
      ? id
      : undefined;
  } catch {
    return undefined;
  }
}
