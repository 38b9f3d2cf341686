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

  /** Claims the key (undefined: run the request) or returns the stored response to replay. */
  async begin(scope: IdempotencyScope, digest: string): Promise<StoredResponse | undefined> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys AS k (tenant, subject, route, key, payload_digest, status, expires_at)
       VALUES ($1, $2, $3, $4, $5, 'in_flight', now() + make_interval(secs => $6))
       ON CONFLICT (tenant, subject, route, key) DO UPDATE
         SET payload_digest = EXCLUDED.payload_digest, status = 'in_flight', response_status = NULL,
             response_content_type = NULL, response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE k.expires_at < now()
            OR (k.status = 'in_flight' AND k.created_at < now() - make_interval(secs => $7))
       RETURNING k.id`,
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
    if (claimed.length > 0) return undefined;
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
      status: existing.response_status,
      contentType: existing.response_content_type,
      body: existing.response_body,
    };
  }

  async complete(scope: IdempotencyScope, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $5, response_content_type = $6, response_body = $7
        WHERE tenant = $1 AND subject = $2 AND route = $3 AND key = $4`,
      [
        scope.tenant,
        scope.subject,
        scope.route,
        scope.key,
        response.status,
        response.contentType,
        response.body,
      ],
    );
  }

  /** Releases the key after a transient failure (5xx) so the client may retry with it. */
  async release(scope: IdempotencyScope): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE tenant = $1 AND subject = $2 AND route = $3 AND key = $4 AND status = 'in_flight'`,
      [scope.tenant, scope.subject, scope.route, scope.key],
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
