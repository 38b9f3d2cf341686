import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { Pool } from 'undici';

import { type InvocationDeadline, ProviderUnconfiguredException } from '@toolgate/core';

import { pipedriveConfig } from './pipedrive.config';
import {
  pipedriveAnswerProblem,
  pipedriveBadAnswer,
  type PipedriveErrorBody,
  pipedriveRateLimited,
  pipedriveUnreachable,
  upstreamMessage,
} from './pipedrive.exception';
import { type PipedriveRecord } from './pipedrive.types';
import { backoffMs, fitsBeforeDeadline, pause, readBody, retryAfterMs } from '@toolgate/core';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** What one call needs: the brokered API token and the invocation's deadline (and request id, for logs). */
export interface PipedriveCall {
  apiToken: string;
  deadline: InvocationDeadline;
  requestId?: string;
}

interface PipedriveRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: Record<string, unknown>;
}

type Attempt =
  | { kind: 'ok'; data: PipedriveRecord }
  | { kind: 'answer'; status: number; body?: PipedriveErrorBody; retryAfterMs?: number }
  | { kind: 'network'; error: unknown };

/**
 * All outbound I/O of the Pipedrive provider: the v1 REST API on one keep-alive pool, authenticated with the
 * `x-api-token` header (Pipedrive's documented header; the token never appears in a URL or a log line).
 * Reads are retried on network errors and 5xx; any call is retried on 429, honouring `Retry-After`; no
 * retry starts unless it fits before the call's deadline.
 */
@Injectable()
export class PipedriveClient implements OnModuleDestroy {
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

  async onModuleDestroy(): Promise<void> {
    await this.pool?.close();
  }

  createDeal(fields: Record<string, unknown>, call: PipedriveCall): Promise<PipedriveRecord> {
    return this.send({ method: 'POST', path: '/v1/deals', body: fields }, call);
  }

  getDeal(id: number, call: PipedriveCall): Promise<PipedriveRecord> {
    return this.send({ method: 'GET', path: `/v1/deals/${id}` }, call);
  }

  updateDeal(id: number, fields: Record<string, unknown>, call: PipedriveCall): Promise<PipedriveRecord> {
    return this.send({ method: 'PUT', path: `/v1/deals/${id}`, body: fields }, call);
  }

  createPerson(fields: Record<string, unknown>, call: PipedriveCall): Promise<PipedriveRecord> {
    return this.send({ method: 'POST', path: '/v1/persons', body: fields }, call);
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
    const transient = outcome.kind === 'network' || outcome.status >= 500;
    return idempotent && transient ? backoffMs(attempt) : undefined;
  }

  private problem(outcome: Exclude<Attempt, { kind: 'ok' }>): Error {
    if (outcome.kind === 'network') return pipedriveUnreachable(outcome.error);
    if (outcome.status === 429) return pipedriveRateLimited(outcome.retryAfterMs);
    return pipedriveAnswerProblem(outcome.status, outcome.body);
  }

  private async attempt(pool: Pool, request: PipedriveRequest, call: PipedriveCall): Promise<Attempt> {
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await pool.request({
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
      status = response.statusCode;
      headers = response.headers;
      text = await readBody(response.body, MAX_BODY_BYTES, response.headers['content-length']);
    } catch (error) {
      if (call.deadline.aborted) throw error;
      return { kind: 'network', error };
    }
    const body = parseJson(text);
    if (status >= 200 && status < 300) return this.success(body);
    return {
      kind: 'answer',
      status,
      body: body as PipedriveErrorBody | undefined,
      retryAfterMs: retryAfterMs(headers['retry-after']) ?? retryAfterMs(headers['x-ratelimit-reset']),
    };
  }

  private success(body: unknown): Attempt {
    const envelope = body as (PipedriveErrorBody & { data?: unknown }) | undefined;
    if (!envelope || typeof envelope !== 'object')
      throw pipedriveBadAnswer('Pipedrive answered without JSON.');
    if (envelope.success !== true) {
      throw pipedriveBadAnswer(`Pipedrive reported a failure: ${upstreamMessage(envelope, 'no detail')}`);
    }
    if (!envelope.data || typeof envelope.data !== 'object' || Array.isArray(envelope.data)) {
      throw pipedriveBadAnswer('Pipedrive answered without a record.');
    }
    return { kind: 'ok', data: envelope.data as PipedriveRecord };
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function describe(outcome: Exclude<Attempt, { kind: 'ok' }>): string {
  if (outcome.kind === 'answer') return `answered ${outcome.status}`;
  const code = (outcome.error as { code?: unknown } | undefined)?.code;
  return `failed (${typeof code === 'string' ? code : 'network error'})`;
}
