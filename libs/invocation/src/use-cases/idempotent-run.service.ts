import { Injectable } from '@nestjs/common';

import { buildProblemBody, mapToProblem } from '@toolgate/core';

import { IdempotencyService, type IdempotencyScope } from '../idempotency/idempotency.service';
import { mayHaveRun } from './may-have-run.util';
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
 * and replayed too, and so are server errors once the provider was called (the tool may have run). Server
 * errors before that, and answers with `Retry-After`, release the key so the client can retry. A 202 confirmation hold is
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
    const { claim, stored } = await this.idempotency.begin(scope, digest);
    if (stored)
      return { status: stored.status, body: stored.body, contentType: stored.contentType, replayed: true };
    let answer: IdempotentAnswer;
    try {
      answer = { ...(await work()), contentType: JSON_TYPE, replayed: false };
    } catch (error) {
      const mapped = mapToProblem(error);
      // Released: answers that ask for a retry later (Retry-After), and server errors from before the
      // provider was called. A server error once it was called (502, 504, an outcome that could not be
      // audited) is stored: the tool may have run, and a retry with this key must not run it again.
      const retry = Object.keys(mapped.headers).length > 0;
      if (retry || mapped.unexpected || (mapped.status >= 500 && !mayHaveRun(error))) {
        await this.idempotency.release(claim);
        throw error;
      }
      const body = JSON.stringify(buildProblemBody(mapped, request.url, request.requestId));
      answer = { status: mapped.status, body, contentType: PROBLEM_TYPE, replayed: false };
    }
    if (answer.status === 202) {
      await this.idempotency.release(claim);
      return answer;
    }
    await this.idempotency.complete(claim, {
      status: answer.status,
      contentType: answer.contentType,
      body: answer.body,
    });
    return answer;
  }
}
