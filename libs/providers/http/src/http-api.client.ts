import { lookup } from 'node:dns/promises';

import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { type Agent, type Dispatcher, request } from 'undici';

import {
  assertSafeUrl,
  BodyTooLargeError,
  createSafeDispatcher,
  DomainException,
  type InvocationContext,
  markBeforeUpstream,
  ProviderTimeoutException,
  ProviderUpstreamException,
  readBodyBytes,
  type ResolvedAddress,
  UnsafeUrlException,
} from '@toolgate/core';

import { HTTP_PROVIDER_KEY } from './http-api.types';
import { httpProviderConfig } from './http-provider.config';
import { type UpstreamRequest } from './upstream/upstream-request.util';
import { type UpstreamResponse } from './upstream/upstream-response.util';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

const firstHeader = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * What of a transport error is kept as the `cause` of the problem it becomes: its name and code only. Not its
 * message, stack or own causes: they may quote the request URL, which carries the API's secret with `query`
 * auth, and a cause ends up wherever the error is logged or inspected.
 */
function transportCause(error: unknown): Error {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  const cause = new Error(typeof code === 'string' ? code.slice(0, 64) : 'transport error');
  cause.name = typeof name === 'string' && /^\w{1,64}$/.test(name) ? name : 'Error';
  cause.stack = `${cause.name}: ${cause.message}`;
  return cause;
}

/**
 * All network I/O of the http provider: name resolution, the SSRF check of base URLs, and requests on one
 * shared keep-alive dispatcher that re-applies the SSRF guard whenever it opens a connection.
 */
@Injectable()
export class HttpApiClient implements OnApplicationShutdown {
  private readonly logger = new Logger('HttpProvider');
  private readonly dispatcher: Agent;

  constructor(
    @Inject(httpProviderConfig.KEY) private readonly config: ConfigType<typeof httpProviderConfig>,
  ) {
    this.dispatcher = createSafeDispatcher({
      allowedHosts: config.allowedHosts,
      lookup: (hostname) => this.resolve(hostname),
      connections: config.maxConnections,
    });
  }

  /** Every address of a host name (the one place DNS is asked; tests replace it). */
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const found = await lookup(hostname, { all: true, verbatim: true });
    return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
  }

  /** The base URL without a trailing slash, if the SSRF guard accepts it (422 on `/base_url` otherwise). */
  async checkBaseUrl(baseUrl: string): Promise<string> {
    try {
      const url = await assertSafeUrl(baseUrl, {
        allowedHosts: this.config.allowedHosts,
        lookup: (hostname) => this.resolve(hostname),
      });
      if (url.search || url.hash) throw new UnsafeUrlException('a base URL has no query or fragment');
      return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    } catch (error) {
      if (error instanceof UnsafeUrlException) throw new UnsafeUrlException(error.reason, '/base_url');
      throw error;
    }
  }

  /** Sends one request within the call's deadline and reads at most `maxResponseBytes` of the answer. */
  async send(
    upstream: UpstreamRequest,
    ctx: Pick<InvocationContext, 'deadline' | 'toolId' | 'requestId'>,
  ): Promise<UpstreamResponse> {
    try {
      // The deadline (its EventEmitter form) ends the call at any stage. No per-call headersTimeout/bodyTimeout: a value
      // that differs on every call makes undici allocate a new timer per request (kept until its next
      // timer tick), where the dispatcher's constant ones are refreshed in place.
      const response = await request(upstream.url, {
        dispatcher: this.dispatcher,
        method: upstream.method as Dispatcher.HttpMethod,
        headers: upstream.headers,
        body: upstream.body,
        signal: ctx.deadline.events,
      });
      return {
        status: response.statusCode,
        contentType: firstHeader(response.headers['content-type']),
        retryAfter: firstHeader(response.headers['retry-after']),
        body: await this.readCapped(response.body, firstHeader(response.headers['content-length']), {
          method: upstream.method,
          status: response.statusCode,
        }),
      };
    } catch (error) {
      throw this.failure(error, ctx);
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.dispatcher.close();
  }

  /** The body within `maxResponseBytes`; a HEAD's (or 204's, 304's) `Content-Length` announces no body. */
  private async readCapped(
    body: Dispatcher.ResponseData['body'],
    declared: string | undefined,
    exchange: { method: string; status: number },
  ): Promise<Buffer> {
    try {
      return await readBodyBytes(body, this.config.maxResponseBytes, declared, exchange);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      throw new ProviderUpstreamException(
        HTTP_PROVIDER_KEY,
        `The upstream response exceeds ${this.config.maxResponseBytes} bytes.`,
      );
    }
  }

  private failure(
    error: unknown,
    ctx: Pick<InvocationContext, 'deadline' | 'toolId' | 'requestId'>,
  ): DomainException {
    if (error instanceof UnsafeUrlException) {
      this.logger.warn({
        msg: 'upstream connection refused by the SSRF guard',
        toolId: ctx.toolId,
        request_id: ctx.requestId,
        reason: error.reason,
      });
      // Refused before the connection opened: the request was never sent.
      return markBeforeUpstream(
        new ProviderUpstreamException(HTTP_PROVIDER_KEY, 'The upstream address is not allowed (SSRF guard).'),
      );
    }
    if (error instanceof DomainException) return error;
    const code = (error as { code?: unknown } | null)?.code;
    const cause = transportCause(error);
    if (ctx.deadline.aborted || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
      return new ProviderTimeoutException(HTTP_PROVIDER_KEY, ctx.toolId, { cause });
    }
    return new ProviderUpstreamException(HTTP_PROVIDER_KEY, 'The upstream API is unreachable.', { cause });
  }
}
