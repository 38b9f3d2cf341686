import { DomainException, type ProblemViolation } from '@toolgate/core';

/** The OpenAPI document cannot be ingested; `errors` lists every problem with its JSON pointer. */
export class InvalidOpenApiException extends DomainException {
  constructor(errors: ProblemViolation[], detail = 'The OpenAPI document cannot be ingested.') {
    super('HTTP_PROVIDER.INVALID_SPEC', 422, 'Unprocessable Content', { detail, errors });
  }
}

const REJECTIONS: Record<number, { code: string; title: string }> = {
  404: { code: 'PROVIDER.UPSTREAM_NOT_FOUND', title: 'Not Found' },
  409: { code: 'PROVIDER.UPSTREAM_CONFLICT', title: 'Conflict' },
  422: { code: 'PROVIDER.UPSTREAM_REJECTED', title: 'Unprocessable Content' },
};

/**
 * The upstream API refused the call because of its arguments (404, 409, 400/422 → 422). The upstream's
 * error body is passed on (capped) so the agent can correct its call.
 */
export class UpstreamRejectedException extends DomainException {
  constructor(status: 404 | 409 | 422, upstreamStatus: number, upstreamError?: unknown) {
    const { code, title } = REJECTIONS[status];
    super(code, status, title, {
      detail: `The upstream API answered ${upstreamStatus}.`,
      extensions: {
        provider: 'http',
        upstream_status: upstreamStatus,
        ...(upstreamError !== undefined ? { upstream_error: upstreamError } : {}),
      },
    });
  }
}
