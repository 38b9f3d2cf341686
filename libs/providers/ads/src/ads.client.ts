import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { type Dispatcher, Pool } from 'undici';

import {
  backoffMs,
  BodyTooLargeError,
  fitsBeforeDeadline,
  pause,
  readBody,
  retryAfterMs,
} from '@toolgate/core';

import { adsConfig } from './ads.config';
import {
  AdsAnswerUnreadableException,
  googleAdsProblem,
  googleAdsRateLimited,
  googleAdsUnreachable,
  googleErrorOf,
  refusesAccessToken,
} from './ads.exception';
import { type CampaignPlan, type CreatedCampaign, type GoogleAdsCall } from './ads.types';
import { campaignMutateBody } from './campaign-plan.util';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_BODY_TEXT = '1 MiB';
const MAX_ATTEMPTS = 3;

/** Google's answer: its status, and its body as text unless it could not be read (`unread` says why). */
interface Answer {
  status: number;
  text?: string;
  unread?: { reason: string; error: unknown };
  retryAfterMs?: number;
}

/**
 * All outbound I/O of the ads provider: the Google Ads REST API on one keep-alive pool. A campaign and its
 * budget are created by one atomic `googleAds:mutate` (the budget under a temporary resource name), so a
 * rejected campaign never leaves an orphan budget and `validateOnly` checks both. Requests carry the
 * brokered OAuth access token, `developer-token` and `login-customer-id`, never the agent's token. A mutate
 * is never retried after a 2xx, a 5xx or a network error (it may have been applied); a 2xx whose answer
 * cannot be read or understood is `ADS.ANSWER_UNREADABLE` (it was applied). 429 is retried after the wait
 * Google advises (`retryDelay`, `Retry-After`) or a backoff when that still fits before the deadline; a 401
 * refusing the access token once with a new one (`call.renewToken`: nothing was applied).
 */
@Injectable()
export class GoogleAdsClient implements OnApplicationShutdown {
  private readonly logger = new Logger('GoogleAdsClient');
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(@Inject(adsConfig.KEY) private readonly config: ConfigType<typeof adsConfig>) {
    const url = new URL(config.baseUrl);
    this.pool = new Pool(url.origin, { connections: 8, keepAliveTimeout: 30_000 });
    this.prefix = url.pathname.replace(/\/+$/, '');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }

  /** Creates (or, with `validateOnly`, validates) the budget and the PAUSED campaign in one transaction. */
  async mutateCampaign(plan: CampaignPlan, call: GoogleAdsCall): Promise<CreatedCampaign> {
    const path = `${this.prefix}/${this.config.apiVersion}/customers/${plan.customerId}/googleAds:mutate`;
    const body = JSON.stringify(campaignMutateBody(plan, this.config.apiVersion));
    let token = call.accessToken;
    let renewed = false;
    for (let limited = 0; ;) {
      const answer = await this.post(path, body, token, call);
      if (answer.status >= 200 && answer.status < 300) return this.created(plan, answer, call);
      const error = parseJson(answer.text);
      if (!renewed && refusesAccessToken(answer.status, error)) {
        renewed = true;
        const fresh = await this.renewedToken(token, call);
        if (fresh !== undefined) {
          token = fresh;
          continue;
        }
      }
      if (answer.status !== 429) throw googleAdsProblem(answer.status, error);
      limited += 1;
      await this.afterRateLimit(limited, answer.retryAfterMs, googleErrorOf(error).retryDelayMs, call);
    }
  }

  /**
   * Waits before the next attempt after a 429: the longest wait Google advised (the body's `retryDelay`,
   * `Retry-After`), else a backoff. Throws 503 with that wait when it would not fit before the deadline.
   */
  private async afterRateLimit(
    attempt: number,
    headerMs: number | undefined,
    bodyMs: number | undefined,
    call: GoogleAdsCall,
  ): Promise<void> {
    const advised =
      headerMs === undefined || bodyMs === undefined ? (headerMs ?? bodyMs) : Math.max(headerMs, bodyMs);
    const wait = advised ?? backoffMs(attempt, 1_000, 8_000);
    if (attempt >= MAX_ATTEMPTS || !fitsBeforeDeadline(call.deadline.at, wait)) {
      throw googleAdsRateLimited(advised);
    }
    this.logger.warn({
      msg: `Google Ads mutate answered 429; retry ${attempt + 1}/${MAX_ATTEMPTS} in ${wait} ms`,
      request_id: call.requestId,
    });
    await pause(wait, call.deadline.signal);
  }

  /** A new access token after Google refused `rejected`; undefined when none can be had (the 401 stands). */
  private async renewedToken(rejected: string, call: GoogleAdsCall): Promise<string | undefined> {
    if (!call.renewToken) return undefined;
    try {
      const fresh = await call.renewToken(rejected);
      return fresh !== undefined && fresh !== rejected ? fresh : undefined;
    } catch (error) {
      if (call.deadline.aborted) throw error;
      this.logger.warn({
        msg: 'Google Ads refused the access token and no new one could be obtained',
        request_id: call.requestId,
        err: String(error),
      });
      return undefined;
    }
  }

  /** The resource names of a 2xx answer; a dry run's answer carries none and is not needed. */
  private created(plan: CampaignPlan, answer: Answer, call: GoogleAdsCall): CreatedCampaign {
    if (plan.validateOnly) return { budgetResourceName: null, campaignResourceName: null };
    const created = answer.unread ?? createdOf(answer.text, plan.customerId);
    if ('campaignResourceName' in created) return created;
    this.logger.warn({
      msg: `Google Ads mutate answered ${answer.status} but its answer could not be read (${created.reason}); the campaign was probably created`,
      request_id: call.requestId,
      customer_id: plan.customerId,
    });
    throw new AdsAnswerUnreadableException(plan.customerId, answer.status, created.reason, created.error);
  }

  /** One request. Only a failure before the status is "unreachable"; after it, the status decides. */
  private async post(path: string, body: string, token: string, call: GoogleAdsCall): Promise<Answer> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: 'POST',
        path,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'developer-token': this.config.developerToken ?? '',
          ...(this.config.loginCustomerId ? { 'login-customer-id': this.config.loginCustomerId } : {}),
        },
        body,
        signal: call.deadline.events,
      });
    } catch (error) {
      if (call.deadline.aborted) throw error;
      throw googleAdsUnreachable(error);
    }
    const { statusCode: status, headers } = response;
    const retryAfter = retryAfterMs(headers['retry-after']);
    try {
      const text = await readBody(response.body, MAX_BODY_BYTES, headers['content-length']);
      return { status, text, retryAfterMs: retryAfter };
    } catch (error) {
      if (call.deadline.aborted) throw error;
      const reason =
        error instanceof BodyTooLargeError
          ? `it exceeded the ${MAX_BODY_TEXT} limit`
          : 'the connection was lost before it was complete';
      return { status, unread: { reason, error }, retryAfterMs: retryAfter };
    }
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The resource names of a mutate answer (`{ mutateOperationResponses: [{ campaignBudgetResult: {
 * resourceName } }, { campaignResult: { resourceName } }] }`), each checked for its type and form, or why
 * the answer cannot be understood.
 */
function createdOf(
  text: string | undefined,
  customerId: string,
): CreatedCampaign | { reason: string; error?: undefined } {
  const body = parseJson(text);
  if (body === undefined) return { reason: text ? 'it was not JSON' : 'it was empty' };
  // Proto3 JSON leaves an empty list out.
  const results = isRecord(body) ? (body.mutateOperationResponses ?? []) : undefined;
  if (!Array.isArray(results) || !results.every(isRecord)) {
    return { reason: 'it did not have the shape of a mutate answer' };
  }
  const budget = nameIn(results, 'campaignBudgetResult', `customers/${customerId}/campaignBudgets/`);
  const campaign = nameIn(results, 'campaignResult', `customers/${customerId}/campaigns/`);
  if (budget === false || campaign === false) return { reason: 'it named a resource in an unexpected form' };
  if (campaign === null) return { reason: 'it did not name the created campaign' };
  return { budgetResourceName: budget, campaignResourceName: campaign };
}

/** The first `kind` result's resource name: null without one, false when it is not an id under `prefix`. */
function nameIn(results: Record<string, unknown>[], kind: string, prefix: string): string | null | false {
  const result = results.find((entry) => entry[kind] !== undefined)?.[kind];
  if (result === undefined) return null;
  const name = isRecord(result) ? result.resourceName : undefined;
  const valid =
    typeof name === 'string' && name.startsWith(prefix) && /^\d{1,19}$/.test(name.slice(prefix.length));
  return valid ? name : false;
}
