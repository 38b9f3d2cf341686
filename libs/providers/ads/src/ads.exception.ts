import { CredentialTimeoutException } from '@toolgate/broker';
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
  /** The longest `QuotaErrorDetails.retryDelay` of the failures (a quota error's advised wait), in ms. */
  retryDelayMs?: number;
}

const MAX_FAILURES = 50;
/** The longest advised wait taken at face value (passed on to agents in `Retry-After`): a day. */
const MAX_RETRY_DELAY_MS = 86_400_000;
const text = (value: unknown, max = 300) => (typeof value === 'string' ? value.slice(0, max) : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** A protobuf Duration as JSON (`"30s"`, `"1.5s"`) in ms, at most a day; undefined when not one. */
function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,9}(\.\d{1,9})?s$/.test(value)) return undefined;
  return Math.min(Math.ceil(Number(value.slice(0, -1)) * 1000), MAX_RETRY_DELAY_MS);
}

/**
 * The parts of an error answer the gateway uses, each checked for its type: the body comes from outside,
 * and a field of an unexpected shape must not turn Google's refusal into an exception of our own. Each
 * failure is a GoogleAdsError: `errorCode`, `message`, `location`, `details.quotaErrorDetails.retryDelay`.
 */
export function googleErrorOf(body: unknown): GoogleError {
  const error = record(record(body).error);
  const details = list(error.details).map(record);
  const errors = details.flatMap((detail) => list(detail.errors).map(record)).slice(0, MAX_FAILURES);
  const delays = errors
    .map((failure) => durationMs(record(record(failure.details).quotaErrorDetails).retryDelay))
    .filter((delay) => delay !== undefined);
  const failures = errors.map((failure) => {
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
    retryDelayMs: delays.length > 0 ? Math.max(...delays) : undefined,
  };
}

/**
 * A 401 that refuses the access token itself (Google's front end gives no GoogleAdsFailure then, the API an
 * `authenticationError.OAUTH_TOKEN_*` code): a new token may succeed. Not a 401 naming something else (the
 * developer token, the Google account), which a new token would not change.
 */
export function refusesAccessToken(httpStatus: number, body: unknown): boolean {
  if (httpStatus !== 401) return false;
  const codes = googleErrorOf(body).failures.map((failure) => failure.code);
  return codes.length === 0 || codes.some((code) => code?.startsWith('authenticationError.OAUTH_TOKEN'));
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

/**
 * Google Ads accepted the mutate (2xx) but its answer could not be read or understood (over the size limit,
 * cut off, not JSON, not the shape of a mutate answer, no created campaign): the atomic mutate was applied,
 * so the campaign was most likely created. The caller must look in Google Ads before trying again.
 */
export class AdsAnswerUnreadableException extends DomainException {
  constructor(customerId: string, status: number, reason: string, cause?: unknown) {
    super('ADS.ANSWER_UNREADABLE', 502, 'Bad Gateway', {
      detail:
        `Google Ads accepted the campaign (HTTP ${status}) but its answer could not be read: ${reason}. ` +
        `The campaign and its budget were probably created in account ${customerId}: check Google Ads ` +
        'before trying again; do not retry blindly, that could create them twice.',
      extensions: { provider: PROVIDER, upstream_status: status, customer_id: customerId },
      cause,
    });
  }
}

export function googleAdsUnreachable(cause: unknown): DomainException {
  return new ProviderUpstreamException(PROVIDER, 'Google Ads could not be reached.', { cause });
}

/**
 * True when Google created nothing: it answered with a client error (429 included), so its atomic mutate was
 * not applied, or the deadline passed while a new access token was awaited after Google refused the old one
 * (a 401 after nothing but refusals: no mutate was applied, none was sent with the new token).
 */
export function isDefiniteRejection(error: unknown): boolean {
  if (error instanceof CredentialTimeoutException) return true;
  const status = error instanceof DomainException ? error.extensions.upstream_status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500;
}
