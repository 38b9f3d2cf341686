import {
  DomainException,
  type ProblemViolation,
  ProviderUnavailableException,
  ProviderUpstreamException,
} from '@toolgate/core';

const PROVIDER = 'ads';

/** Google's REST error: `{ error: { code, message, status, details: [GoogleAdsFailure] } }`. */
export interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: {
      '@type'?: string;
      errors?: {
        errorCode?: Record<string, string>;
        message?: string;
        location?: { fieldPathElements?: { fieldName?: string; index?: number }[] };
      }[];
      requestId?: string;
    }[];
  };
}

const amount = (micros: number) => (micros / 1_000_000).toFixed(2);

/** The tenant's daily budget ceiling (`ADS_MAX_DAILY_BUDGET`) would be passed: 403, nothing is created. */
export class AdsBudgetCeilingException extends DomainException {
  constructor(tenant: string, requestedMicros: number, committedMicros: number, ceilingMicros: number) {
    super('ADS.BUDGET_CEILING', 403, 'Forbidden', {
      detail:
        `A daily budget of ${amount(requestedMicros)} would bring the daily budgets tenant ${tenant} created ` +
        `today (UTC) to ${amount(committedMicros + requestedMicros)}, over the ceiling of ${amount(ceilingMicros)} ` +
        '(ADS_MAX_DAILY_BUDGET).',
      extensions: {
        provider: PROVIDER,
        ceiling: ceilingMicros / 1_000_000,
        requested: requestedMicros / 1_000_000,
        committed_today: committedMicros / 1_000_000,
      },
    });
  }
}

/** Google Ads refused the arguments (INVALID_ARGUMENT): 422 with each Google error as a violation. */
export class AdsInvalidArgumentException extends DomainException {
  constructor(detail: string, errors: ProblemViolation[], extensions: Record<string, unknown>) {
    super('ADS.INVALID_ARGUMENT', 422, 'Unprocessable Content', { detail, errors, extensions });
  }
}

/** Google field names → the tool argument they come from (for violation pointers). */
const FIELD_POINTERS: Record<string, string> = {
  name: '/name',
  amount_micros: '/budget',
  start_date_time: '/startDate',
  start_date: '/startDate',
  advertising_channel_type: '/advertisingChannelType',
  contains_eu_political_advertising: '/containsEuPoliticalAdvertising',
  customer_id: '/customerId',
};

function violationsOf(body: GoogleErrorBody | undefined): ProblemViolation[] {
  return (body?.error?.details ?? [])
    .flatMap((detail) => detail.errors ?? [])
    .map((failure) => {
      const code = Object.entries(failure.errorCode ?? {}).map(([kind, value]) => `${kind}.${value}`)[0];
      const field = failure.location?.fieldPathElements?.at(-1)?.fieldName ?? '';
      return {
        pointer: FIELD_POINTERS[field] ?? '',
        detail: [code, failure.message].filter(Boolean).join(': ').slice(0, 300) || 'rejected',
      };
    });
}

/** The problem for a final Google Ads error answer (status ≥ 300, not retried). */
export function googleAdsProblem(httpStatus: number, body: GoogleErrorBody | undefined): DomainException {
  const status = body?.error?.status ?? `HTTP_${httpStatus}`;
  const errors = violationsOf(body);
  const extensions = {
    provider: PROVIDER,
    upstream_status: httpStatus,
    google_status: status,
    ...(body?.error?.details?.[0]?.requestId ? { google_request_id: body.error.details[0].requestId } : {}),
  };
  const first = errors[0]?.detail ?? body?.error?.message?.slice(0, 300) ?? status;
  if (status === 'INVALID_ARGUMENT' || (httpStatus === 400 && status.startsWith('HTTP_'))) {
    return new AdsInvalidArgumentException(`Google Ads rejected the campaign: ${first}`, errors, extensions);
  }
  if (status === 'NOT_FOUND') {
    return new DomainException('ADS.NOT_FOUND', 404, 'Not Found', {
      detail: `Google Ads: ${first}`,
      extensions,
    });
  }
  if (status === 'UNAUTHENTICATED' || status === 'PERMISSION_DENIED') {
    return new ProviderUpstreamException(
      PROVIDER,
      `Google Ads refused the gateway credentials (${status}: ${first}); check the OAuth client, ` +
        'GOOGLE_ADS_DEVELOPER_TOKEN and GOOGLE_ADS_LOGIN_CUSTOMER_ID.',
      { extensions },
    );
  }
  return new ProviderUpstreamException(PROVIDER, `Google Ads answered ${httpStatus} (${status}).`, {
    extensions,
  });
}

/** Still RESOURCE_EXHAUSTED after the retries the deadline allowed: 503 with the advised wait. */
export function googleAdsRateLimited(retryAfterMs: number | undefined): DomainException {
  const seconds = Math.max(1, Math.ceil((retryAfterMs ?? 30_000) / 1000));
  return new ProviderUnavailableException(
    PROVIDER,
    `Google Ads is rate limiting the gateway; retry in ${seconds} s.`,
    {
      headers: { 'retry-after': String(seconds) },
      extensions: { upstream_status: 429, google_status: 'RESOURCE_EXHAUSTED', retry_after_seconds: seconds },
    },
  );
}

export function googleAdsUnreachable(cause: unknown): DomainException {
  return new ProviderUpstreamException(PROVIDER, 'Google Ads could not be reached.', { cause });
}

/** True when Google answered with a client error (429 included): its atomic mutate then created nothing. */
export function isDefiniteRejection(error: unknown): boolean {
  const status = error instanceof DomainException ? error.extensions.upstream_status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500;
}
