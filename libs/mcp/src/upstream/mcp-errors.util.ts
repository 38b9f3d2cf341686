import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

import { DomainException, ProviderTimeoutException, ProviderUpstreamException } from '@toolgate/core';

import { MCP_PROVIDER_KEY } from '../mcp-provider.types';
import { McpAnswerTooLargeException } from '../mcp.exception';
import { ANSWER_TOO_LARGE_CODE } from './mcp-fetch.util';

/** The upstream no longer knows our session (it restarted): a new session may safely retry the request. */
export function isSessionGone(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

/** What a transport's `send` threw: the request never got an answer. */
const sendFailures = new WeakSet<object>();

/** `transport`, noting for `isTransportFailure` what its `send` throws (network or HTTP error, dead child). */
export function withSendFailuresNoted<T extends Transport>(transport: T): T {
  const send = transport.send.bind(transport);
  transport.send = (message, options) =>
    send(message, options).catch((error: unknown) => {
      if (typeof error === 'object' && error !== null) sendFailures.add(error);
      throw error;
    });
  return transport;
}

/**
 * A failure of the connection itself: the connection closed, or a request could not be sent (noted by
 * `withSendFailuresNoted`). Not a JSON-RPC error the upstream answered, a gateway limit, an answer the SDK
 * refused (malformed result) or any other error raised while handling an answer: the session is fine.
 */
export function isTransportFailure(error: unknown): boolean {
  if (error instanceof DomainException) return false;
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed;
  return typeof error === 'object' && error !== null && sendFailures.has(error);
}

/** A short, single-line description of an error (statuses, error names), safe to show to admins. */
/** URLs in a message without their userinfo (`user:password@`) and query string (`?api_key=…`). */
export function withoutUrlSecrets(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s?#]*)[?#][^\s]*/gi, '$1');
}

export function describeError(error: unknown): string {
  return withoutUrlSecrets(describeRawError(error));
}

function describeRawError(error: unknown): string {
  if (error instanceof StreamableHTTPError) return `HTTP ${error.code ?? '?'} from upstream`;
  if (error instanceof DomainException) return error.detail;
  if (error instanceof McpError) return `JSON-RPC error ${error.code}`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof DomainException) return cause.detail;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message.split('\n')[0].slice(0, 200) : 'unknown error';
}

/**
 * Maps what an upstream request threw to the gateway's errors: the deadline → 504 `PROVIDER.TIMEOUT`; a
 * JSON-RPC error answered by the upstream → 502 naming its code and (bounded) message; an answer the SDK
 * refused → 502 "malformed result"; anything else (refused connection, dropped stream, HTTP error) → 502
 * "unreachable".
 */
export function toUpstreamError(
  error: unknown,
  server: string,
  what: string,
  signal?: AbortSignal,
): DomainException {
  if (error instanceof DomainException) return error;
  if (signal?.aborted || (error instanceof McpError && error.code === ErrorCode.RequestTimeout))
    return new ProviderTimeoutException(MCP_PROVIDER_KEY, what, { cause: error, extensions: { server } });
  if (error instanceof McpError && error.code === ANSWER_TOO_LARGE_CODE) {
    const limit = (error.data as { limit_bytes?: unknown } | undefined)?.limit_bytes;
    if (typeof limit === 'number') return new McpAnswerTooLargeException(server, limit);
  }
  if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) {
    const message = String((error.message ?? '').replace(/^MCP error -?\d+: /, '')).slice(0, 300);
    return new ProviderUpstreamException(MCP_PROVIDER_KEY, `MCP server ${server} answered: ${message}`, {
      cause: error,
      extensions: { server, jsonrpc_code: error.code },
    });
  }
  // The SDK's schemas refused the answer (zod: its message lists every issue, as JSON).
  const malformed = error instanceof Error && /^\$?ZodError$/.test(error.name);
  const detail = `MCP server ${server} ${malformed ? 'answered a malformed result' : 'is unreachable'}.`;
  return new ProviderUpstreamException(MCP_PROVIDER_KEY, detail, { cause: error, extensions: { server } });
}
