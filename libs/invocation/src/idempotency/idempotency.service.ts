import { Inject, Injectable } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { invocationConfig } from '../invocation.config';
import {
  IdempotencyInProgressException,
  IdempotencyKeyInvalidException,
  IdempotencyKeyReusedException,
} from './idempotency.exception';

export interface IdempotencyScope {
  tenant: string;
  subject: string;
  route: string;
  key: string;
}

export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

/** One request's hold on a key: the record and when it was claimed (a takeover re-claims the same record). */
export interface IdempotencyClaim {
  id: string;
  claimedAt: string;
}

/** What `begin` answers: this request claimed the key, or the answer to replay. */
export type IdempotencyStart =
  { claim: IdempotencyClaim; stored?: undefined } | { claim?: undefined; stored: StoredResponse };

/**
 * A record left `in_flight` this long (its process died) may be claimed again: longer than any call can
 * live (the largest deadline, `TOOL_DEFAULT_TIMEOUT_MS` ≤ 600 s, plus a minute for its audit commits), so a
 * slow call that is still running is never run a second time under its key.
 */
const STALE_IN_FLIGHT_SEC = 660;
const MAX_KEY_LENGTH = 255;
const KEY_PATTERN = /^[\x21-\x7e]+$/;

/** Validates the header value (IETF httpapi draft: a string of at most 255 visible characters). */
export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new IdempotencyKeyInvalidException('Send a single Idempotency-Key header.');
  const key = value.replace(/^"(.*)"$/, '$1');
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new IdempotencyKeyInvalidException(
      `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters long.`,
    );
  }
  if (!KEY_PATTERN.test(key))
    throw new IdempotencyKeyInvalidException('Idempotency-Key must be visible ASCII characters.');
  return key;
}

/**
 * Idempotency-Key records in Postgres. Claiming a key is one INSERT … ON CONFLICT statement, so of many
 * concurrent requests exactly one runs; the others see it in flight (409) or replay its stored response.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(invocationConfig.KEY) private readonly config: ConfigType<typeof invocationConfig>,
  ) {}

  /**
   * Claims the key or returns the stored response to replay. A completed record may be claimed again once
   * it expired; a record in flight only once it is stale, whatever `IDEMPOTENCY_TTL_SEC` says (a call may
   * run longer than a short TTL), and it is not swept before then either.
   */
  async begin(scope: IdempotencyScope, digest: string): Promise<IdempotencyStart> {
    const claimed: { id: string; claimed_at: string }[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys AS k (tenant, subject, route, key, payload_digest, status, expires_at)
       VALUES ($1, $2, $3, $4, $5, 'in_flight', now() + make_interval(secs => greatest($6::int, $7::int)))
       ON CONFLICT (tenant, subject, route, key) DO UPDATE
         SET payload_digest = EXCLUDED.payload_digest, status = 'in_flight', response_status = NULL,
             response_content_type = NULL, response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE (k.status = 'completed' AND k.expires_at < now())
            OR (k.status = 'in_flight' AND k.created_at < now() - make_interval(secs => $7))
       RETURNING k.id, k.created_at::text AS claimed_at`,
      [
        scope.tenant,
        scope.subject,
        scope.route,
        scope.key,
        digest,
        this.config.idempotencyTtlSec,
        STALE_IN_FLIGHT_SEC,
      ],
    );
    if (claimed.length > 0) return { claim: { id: String(claimed[0].id), claimedAt: claimed[0].claimed_at } };
    return this.existing(scope, digest);
  }

  /** The key is held: its stored answer to replay, or 422 (another payload) or 409 (still running). */
  private async existing(scope: IdempotencyScope, digest: string): Promise<IdempotencyStart> {
    const rows: {
      payload_digest: string;
      status: string;
      response_status: number;
      response_content_type: string;
      response_body: string;
    }[] = await this.dataSource.query(
      `SELECT payload_digest, status, response_status, response_content_type, response_body
           FROM idempotency_keys WHERE tenant = $1 AND subject = $2 AND route = $3 AND key = $4`,
      [scope.tenant, scope.subject, scope.route, scope.key],
    );
    const existing = rows[0];
    if (!existing) return this.begin(scope, digest); // expired and swept between the two statements
    if (existing.payload_digest !== digest) throw new IdempotencyKeyReusedException();
    if (existing.status !== 'completed') throw new IdempotencyInProgressException();
    return {
      stored: {
        status: existing.response_status,
        contentType: existing.response_content_type,
        body: existing.response_body,
      },
    };
  }

  /**
   * Stores the answer of the request that holds `claim`; kept `IDEMPOTENCY_TTL_SEC` from now. A claim that
   * went stale and was taken over is left to its new holder.
   */
  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_content_type = $4,
              response_body = $5, expires_at = now() + make_interval(secs => $6)
        WHERE id = $1 AND created_at = $2::timestamptz AND status = 'in_flight'`,
      [
        claim.id,
        claim.claimedAt,
        response.status,
        response.contentType,
        response.body,
        this.config.idempotencyTtlSec,
      ],
    );
  }

  /** Frees the key of the request that holds `claim`, so the client may retry with it. */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE id = $1 AND created_at = $2::timestamptz AND status = 'in_flight'`,
      [claim.id, claim.claimedAt],
    );
  }

  /** Removes expired records; returns how many. */
  async sweep(): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE expires_at < now()`,
    );
    return result[1] ?? 0;
  }
}
