import {
  DomainException,
  type ProblemViolation,
  ProviderUnavailableException,
  ProviderUpstreamException,
} from '@toolgate/core';

const PROVIDER = 'ads';

/** Google's REST error, `{ error: { code, message, status, details: [GoogleAdsFailure] } }`, read defensively. */
interface GoogleError {
  status?: string;
  message?: string;
  requestId?: string;
  failures: { code?: string; message?: string; field?: string }[];
}

const MAX_FAILURES = 50;
const text = (value: unknown, max = 300) => (typeof value === 'string' ? value.slice(0, max) : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * The parts of an error answer the gateway uses, each checked for its type: the body comes from outside,
 * and a field of an unexpected shape must not turn Google's refusal into an exception of our own.
 */
export function googleErrorOf(body: unknown): GoogleError {
  const error = record(record(body).error);
  const details = list(error.details).map(record);
  const failures = details
    .flatMap((detail) => list(detail.errors).map(record))
    .slice(0, MAX_FAILURES)
    .map((failure) => {
      const [kind, value] = Object.entries(record(failure.errorCode))[0] ?? [];
      const elements = list(record(failure.location).fieldPathElements);
      return {
        code: kind !== undefined && typeof value === 'string' ? `${kind}.${value}`.slice(0, 200) : undefined,
        message: text(failure.message),
        field: text(record(elements.at(-1)).fieldName, 100),
      };
    });
  return {
    status: text(error.status, 64),
    message: text(error.message),
    requestId: text(details[0]?.requestId, 128),
    failures,
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

/**
 * The account is not one the operator granted to the caller's tenant (`ADS_TENANT_CUSTOMER_IDS`, else
 * `GOOGLE_ADS_CUSTOMER_ID` for every tenant): 403, nothing is claimed, stored or sent to Google.
 */
export class AdsCustomerNotAllowedException extends DomainException {
  constructor(tenant: string, customerId: string | undefined) {
    super('ADS.CUSTOMER_NOT_ALLOWED', 403, 'Forbidden', {
      detail:
        customerId === undefined
          ? `No Google Ads account is granted to tenant ${tenant} (ADS_TENANT_CUSTOMER_IDS, or ` +
            'GOOGLE_ADS_CUSTOMER_ID for every tenant).'
          : `Google Ads account ${customerId} is not granted to tenant ${tenant} (ADS_TENANT_CUSTOMER_IDS).`,
      ...(customerId === undefined
        ? { extensions: { provider: PROVIDER } }
        : {
            errors: [{ pointer: '/customerId', detail: 'is not an account granted to your tenant' }],
            extensions: { provider: PROVIDER, customer_id: customerId },
          }),
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

const pointerOf = (field: string | undefined) =>
  field !== undefined && Object.hasOwn(FIELD_POINTERS, field) ? FIELD_POINTERS[field] : '';

function violationsOf(error: GoogleError): ProblemViolation[] {
  return error.failures.map((failure) => ({
    pointer: pointerOf(failure.field),
    detail: [failure.code, failure.message].filter(Boolean).join(': ').slice(0, 300) || 'rejected',
  }));
}

/** The problem for a final Google Ads error answer (status ≥ 300, not retried). */
export function googleAdsProblem(httpStatus: number, body: unknown): DomainException {
  const error = googleErrorOf(body);
  const status = error.status ?? `HTTP_${httpStatus}`;
  const errors = violationsOf(error);
  const extensions = {
    provider: PROVIDER,
    upstream_status: httpStatus,
    google_status: status,
    ...(error.requestId ? { google_request_id: error.requestId } : {}),
  };
  const first = errors[0]?.detail ?? error.message ?? status;
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
