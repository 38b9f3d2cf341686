import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { type Dispatcher, Pool } from 'undici';

import {
  backoffMs,
  BodyTooLargeError,
  fitsBeforeDeadline,
  type InvocationDeadline,
  pause,
  ProviderUnconfiguredException,
  readBody,
  retryAfterMs,
} from '@toolgate/core';

import { pipedriveConfig } from './pipedrive.config';
import {
  pipedriveAnswerProblem,
  PipedriveAnswerUnreadableException,
  pipedriveAnswerTooLarge,
  pipedriveBadAnswer,
  type PipedriveErrorBody,
  pipedriveRateLimited,
  pipedriveUnreachable,
  type PipedriveWrite,
  upstreamMessage,
} from './pipedrive.exception';
import { type PipedriveRecord } from './pipedrive.types';

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const MAX_BODY_TEXT = '2 MB';

/** What one call needs: the brokered API token and the invocation's deadline (and request id, for logs). */
export interface PipedriveCall {
  apiToken: string;
  deadline: InvocationDeadline;
  requestId?: string;
}

interface PipedriveRequest {
  method: 'GET' | PipedriveWrite['method'];
  path: string;
  record: PipedriveWrite['record'];
  body?: Record<string, unknown>;
}

type Attempt =
  | { kind: 'ok'; data: PipedriveRecord }
  | { kind: 'answer'; status: number; body?: PipedriveErrorBody; retryAfterMs?: number }
  /** No status was received. */
  | { kind: 'network'; error: unknown }
  /** A read's 2xx answer was cut off (a write's is never retried: it throws at once). */
  | { kind: 'cut'; status: number; error: unknown };

/**
 * All outbound I/O of the Pipedrive provider: the v1 REST API on one keep-alive pool, authenticated with the
 * `x-api-token` header (Pipedrive's documented header; the token never appears in a URL or a log line).
 * Reads are retried on network errors, 5xx and 2xx answers cut off; any call is retried on 429, honouring
 * `Retry-After`; no retry starts unless it fits before the call's deadline. An answer over 2 MB is never
 * retried. A write answered 2xx whose answer cannot be read is `PIPEDRIVE.ANSWER_UNREADABLE`: it was applied.
 */
@Injectable()
export class PipedriveClient implements OnApplicationShutdown {
  private readonly logger = new Logger('PipedriveClient');
  private readonly pool?: Pool;
  private readonly prefix: string = '';

  constructor(@Inject(pipedriveConfig.KEY) private readonly config: ConfigType<typeof pipedriveConfig>) {
    if (config.baseUrl) {
      const url = new URL(config.baseUrl);
      this.pool = new Pool(url.origin, { connections: 16, keepAliveTimeout: 30_000 });
      this.prefix = url.pathname.replace(/\/+$/, '');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
  }

  createDeal(fields: Record<string, unknown>, call: PipedriveCall): Promise<PipedriveRecord> {
    return this.send({ method: 'POST', path: '/v1/deals', record: 'deal', body: fields }, call);
  }

  getDeal(id: number, call: PipedriveCall): Promise<PipedriveRecord> {
    return this.send({ method: 'GET', path: `/v1/deals/${id}`, record: 'deal' }, call);
  }

  updateDeal(id: number, fields: Record<string, unknown>, call: PipedriveCall): Promise<PipedriveRecord> {
    return this.send({ method: 'PUT', path: `/v1/deals/${id}`, record: 'deal', body: fields }, call);
  }

  createPerson(fields: Record<string, unknown>, call: PipedriveCall): Promise<PipedriveRecord> {
    return this.send({ method: 'POST', path: '/v1/persons', record: 'person', body: fields }, call);
  }

  private async send(request: PipedriveRequest, call: PipedriveCall): Promise<PipedriveRecord> {
    const pool = this.pool;
    if (!pool)
      throw new ProviderUnconfiguredException('pipedrive', [
        'PIPEDRIVE_COMPANY_DOMAIN (or PIPEDRIVE_BASE_URL)',
      ]);
    const idempotent = request.method === 'GET';
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(pool, request, call);
      if (outcome.kind === 'ok') return outcome.data;
      const wait = this.retryWait(outcome, idempotent, attempt);
      const canRetry =
        wait !== undefined && attempt < this.config.maxAttempts && fitsBeforeDeadline(call.deadline.at, wait);
      if (!canRetry) throw this.problem(outcome);
      this.logger.warn({
        msg: `Pipedrive ${request.method} ${request.path} ${describe(outcome)}; retry ${attempt + 1}/${this.config.maxAttempts} in ${wait} ms`,
        request_id: call.requestId,
      });
      await pause(wait, call.deadline.signal);
    }
  }

  /** How long to wait before retrying, or undefined when this outcome must not be retried. */
  private retryWait(outcome: Exclude<Attempt, { kind: 'ok' }>, idempotent: boolean, attempt: number) {
    if (outcome.kind === 'answer' && outcome.status === 429)
      return outcome.retryAfterMs ?? backoffMs(attempt);
    const transient = outcome.kind !== 'answer' || outcome.status >= 500;
    return idempotent && transient ? backoffMs(attempt) : undefined;
  }

  private problem(outcome: Exclude<Attempt, { kind: 'ok' }>): Error {
    if (outcome.kind === 'network') return pipedriveUnreachable(outcome.error);
    if (outcome.kind === 'cut') {
      return pipedriveBadAnswer(
        `Pipedrive's answer (HTTP ${outcome.status}) was cut off: the connection was lost before it was complete.`,
        outcome.error,
      );
    }
    if (outcome.status === 429) return pipedriveRateLimited(outcome.retryAfterMs);
    return pipedriveAnswerProblem(outcome.status, outcome.body);
  }

  /** One request. Only a failure before the status is `network`; after it, the status decides. */
  private async attempt(pool: Pool, request: PipedriveRequest, call: PipedriveCall): Promise<Attempt> {
    let response: Dispatcher.ResponseData;
    try {
      response = await pool.request({
        method: request.method,
        path: `${this.prefix}${request.path}`,
        headers: {
          accept: 'application/json',
          'x-api-token': call.apiToken,
          ...(request.body ? { 'content-type': 'application/json' } : {}),
        },
        body: request.body ? JSON.stringify(request.body) : undefined,
        signal: call.deadline.events,
      });
    } catch (error) {
      if (call.deadline.aborted) throw error;
      return { kind: 'network', error };
    }
    const { statusCode: status, headers } = response;
    let text: string | undefined;
    try {
      text = await readBody(response.body, MAX_BODY_BYTES, headers['content-length']);
    } catch (error) {
      if (call.deadline.aborted) throw error;
      const cut = this.unread(request, status, error, call);
      if (cut) return cut;
    }
    const body = parseJson(text);
    if (status >= 200 && status < 300) return this.success(request, status, body, call);
    return {
      kind: 'answer',
      status,
      body: body as PipedriveErrorBody | undefined,
      retryAfterMs: retryAfterMs(headers['retry-after']) ?? retryAfterMs(headers['x-ratelimit-reset']),
    };
  }

  /**
   * The body could not be read after `status` arrived. Too large: final, whatever the method. Cut off: a
   * 2xx write was applied (thrown as such), a 2xx read is retried like a network error; any other status
   * is mapped without its body (undefined is returned).
   */
  private unread(request: PipedriveRequest, status: number, error: unknown, call: PipedriveCall) {
    const tooLarge = error instanceof BodyTooLargeError;
    const accepted = status >= 200 && status < 300;
    if (accepted && request.method !== 'GET') {
      const reason = tooLarge
        ? `it exceeded the ${MAX_BODY_TEXT} limit`
        : 'the connection was lost before it was complete';
      throw this.unreadable(request, status, reason, call, error);
    }
    if (tooLarge) throw pipedriveAnswerTooLarge(status, MAX_BODY_TEXT);
    return accepted ? ({ kind: 'cut', status, error } as const) : undefined;
  }

  private success(request: PipedriveRequest, status: number, body: unknown, call: PipedriveCall): Attempt {
    const envelope = body as (PipedriveErrorBody & { data?: unknown }) | undefined;
    const unusable = (reason: string) =>
      request.method === 'GET'
        ? pipedriveBadAnswer(`Pipedrive's answer could not be used: ${reason}.`)
        : this.unreadable(request, status, reason, call);
    if (!envelope || typeof envelope !== 'object') throw unusable('it was not JSON');
    if (envelope.success !== true) {
      throw pipedriveBadAnswer(`Pipedrive reported a failure: ${upstreamMessage(envelope, 'no detail')}`);
    }
    if (!envelope.data || typeof envelope.data !== 'object' || Array.isArray(envelope.data)) {
      throw unusable('it came without a record');
    }
    return { kind: 'ok', data: envelope.data as PipedriveRecord };
  }

  /** A write Pipedrive accepted but whose answer could not be read: logged (never the body), then thrown. */
  private unreadable(
    request: PipedriveRequest,
    status: number,
    reason: string,
    call: PipedriveCall,
    cause?: unknown,
  ): PipedriveAnswerUnreadableException {
    const write = { method: request.method as PipedriveWrite['method'], record: request.record };
    this.logger.warn({
      msg: `Pipedrive ${request.method} ${request.path} answered ${status} but its answer could not be read (${reason}); the ${request.record} was probably written`,
      request_id: call.requestId,
    });
    return new PipedriveAnswerUnreadableException(write, status, reason, cause);
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function describe(outcome: Exclude<Attempt, { kind: 'ok' }>): string {
  if (outcome.kind === 'answer') return `answered ${outcome.status}`;
  if (outcome.kind === 'cut') return `answered ${outcome.status}, then the connection was lost`;
  const code = (outcome.error as { code?: unknown } | undefined)?.code;
  return `failed (${typeof code === 'string' ? code : 'network error'})`;
}
