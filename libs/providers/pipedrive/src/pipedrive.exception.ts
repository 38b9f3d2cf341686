import { DomainException, ProviderUnavailableException, ProviderUpstreamException } from '@toolgate/core';

const PROVIDER = 'pipedrive';

/** Pipedrive's error envelope: `{ success: false, error, error_info }`. */
export interface PipedriveErrorBody {
  success?: boolean;
  error?: unknown;
  error_info?: unknown;
}

/** The record does not exist in Pipedrive (or the token's user cannot see it). */
export class PipedriveNotFoundException extends DomainException {
  constructor(message: string) {
    super('PIPEDRIVE.NOT_FOUND', 404, 'Not Found', {
      detail: `Pipedrive: ${message}`,
      extensions: { provider: PROVIDER, upstream_status: 404 },
    });
  }
}

/** Pipedrive refused the arguments (400/422); the detail carries Pipedrive's own message. */
export class PipedriveValidationException extends DomainException {
  constructor(status: number, message: string) {
    super('PIPEDRIVE.VALIDATION_FAILED', 422, 'Unprocessable Content', {
      detail: `Pipedrive rejected the request: ${message}`,
      extensions: { provider: PROVIDER, upstream_status: status },
    });
  }
}

/** Pipedrive's own message, shortened; never the request (which carries no secret anyway: the token is a header). */
export function upstreamMessage(body: PipedriveErrorBody | undefined, fallback: string): string {
  const message = typeof body?.error === 'string' && body.error.trim() ? body.error.trim() : fallback;
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

/** The problem for a final (not retried) Pipedrive answer with status ≥ 300. */
export function pipedriveAnswerProblem(
  status: number,
  body: PipedriveErrorBody | undefined,
): DomainException {
  const message = upstreamMessage(body, `HTTP ${status}`);
  if (status === 404) return new PipedriveNotFoundException(message);
  if (status === 400 || status === 422) return new PipedriveValidationException(status, message);
  if (status === 401) {
    return new ProviderUpstreamException(
      PROVIDER,
      'Pipedrive rejected the gateway API token (401): check PIPEDRIVE_API_TOKEN and the company domain.',
      { extensions: { upstream_status: status } },
    );
  }
  if (status === 403) {
    return new ProviderUpstreamException(
      PROVIDER,
      `Pipedrive refused the gateway API token for this operation (403): ${message}`,
      { extensions: { upstream_status: status } },
    );
  }
  return new ProviderUpstreamException(PROVIDER, `Pipedrive answered ${status}.`, {
    extensions: { upstream_status: status },
  });
}

/** Still rate limited after the retries the deadline allowed: 503 with the wait Pipedrive asked for. */
export function pipedriveRateLimited(retryAfterMs: number | undefined): DomainException {
  const seconds = Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000));
  return new ProviderUnavailableException(
    PROVIDER,
    `Pipedrive is rate limiting the gateway; retry in ${seconds} s.`,
    {
      headers: { 'retry-after': String(seconds) },
      extensions: { upstream_status: 429, retry_after_seconds: seconds },
    },
  );
}

export function pipedriveUnreachable(cause: unknown): DomainException {
  return new ProviderUpstreamException(PROVIDER, 'Pipedrive could not be reached.', { cause });
}

/** A write of the API: what it writes (`deal`, `person`) and how (`POST` creates, `PUT` updates). */
export interface PipedriveWrite {
  method: 'POST' | 'PUT';
  record: 'deal' | 'person';
}

/**
 * Pipedrive accepted a write (2xx) but its answer could not be read (too large, cut off, not JSON, no
 * record): the write was most likely applied, so the caller must look before trying again. Never the body.
 */
export class PipedriveAnswerUnreadableException extends DomainException {
  constructor(write: PipedriveWrite, status: number, reason: string, cause?: unknown) {
    const done = write.method === 'POST' ? 'created' : 'updated';
    super('PIPEDRIVE.ANSWER_UNREADABLE', 502, 'Bad Gateway', {
      detail:
        `Pipedrive accepted the request (HTTP ${status}) but its answer could not be read: ${reason}. ` +
        `The ${write.record} was probably ${done}: check Pipedrive before trying again; do not retry ` +
        `blindly, that could apply the change twice.`,
      extensions: { provider: PROVIDER, upstream_status: status },
      cause,
    });
  }
}

/** An answer over the size limit: never read, never retried (the same request would get it again). */
export function pipedriveAnswerTooLarge(status: number, limit: string): DomainException {
  return new ProviderUpstreamException(
    PROVIDER,
    `Pipedrive's answer exceeded the ${limit} limit and was not read (HTTP ${status}).`,
    { extensions: { upstream_status: status } },
  );
}

export function pipedriveBadAnswer(detail: string, cause?: unknown): DomainException {
  return new ProviderUpstreamException(PROVIDER, detail, { cause });
}
