import { Injectable } from '@nestjs/common';

import { buildProblemBody, mapToProblem } from '@toolgate/core';

import { IdempotencyService, type IdempotencyScope } from '../idempotency/idempotency.service';
import { type JsonAnswer } from './tool-executor.service';

export interface IdempotentAnswer extends JsonAnswer {
  replayed: boolean;
  contentType: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/**
 * Runs `work` at most once per Idempotency-Key: a repeat with the same payload replays the stored status and
 * body byte for byte; a different payload is 422; one still running is 409. Client errors (4xx) are stored
 * and replayed too; server errors (5xx) release the key so the client can retry. A 202 confirmation hold is
 * not stored either (it carries the single-use action token, which is only ever stored hashed): the key is
 * released, so a retry holds a new action with a new token.
 */
@Injectable()
export class IdempotentRunService {
  constructor(private readonly idempotency: IdempotencyService) {}

  async run(
    scope: IdempotencyScope | undefined,
    digest: string,
    request: { url: string; requestId: string },
    work: () => Promise<JsonAnswer>,
  ): Promise<IdempotentAnswer> {
    if (!scope) return { ...(await work()), contentType: JSON_TYPE, replayed: false };
    const stored = await this.idempotency.begin(scope, digest);
    if (stored)
      return { status: stored.status, body: stored.body, contentType: stored.contentType, replayed: true };
    let answer: IdempotentAnswer;
    try {
      answer = { ...(await work()), contentType: JSON_TYPE, replayed: false };
    } catch (error) {
      const mapped = mapToProblem(error);
      if (mapped.status >= 500 || Object.keys(mapped.headers).length > 0) {
        await this.idempotency.release(scope);
        throw error;
      }
      const body = JSON.stringify(buildProblemBody(mapped, request.url, request.requestId));
      answer = { status: mapped.status, body, contentType: PROBLEM_TYPE, replayed: false };
    }
    if (answer.status === 202) {
      await this.idempotency.release(scope);
      return answer;
    }
    await this.idempotency.complete(scope, {
      status: answer.status,
      contentType: answer.contentType,
      body: answer.body,
    });
    return answer;
  }
}
