import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { Pool } from 'undici';

import { ProviderUpstreamException } from '@toolgate/core';

import { adsConfig } from './ads.config';
import { googleAdsProblem, googleAdsRateLimited, googleAdsUnreachable } from './ads.exception';
import { type CampaignPlan, type CreatedCampaign, type GoogleAdsCall } from './ads.types';
import { campaignMutateBody } from './campaign-plan.util';
import { backoffMs, fitsBeforeDeadline, pause, readBody, retryAfterMs } from '@toolgate/core';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_ATTEMPTS = 3;

interface MutateResponse {
  mutateOperationResponses?: {
    campaignBudgetResult?: { resourceName?: string };
    campaignResult?: { resourceName?: string };
  }[];
}

type Answer = { status: number; body: unknown; retryAfterMs?: number };

/**
 * All outbound I/O of the ads provider: the Google Ads REST API on one keep-alive pool. A campaign and its
 * budget are created by one atomic `googleAds:mutate` (the budget under a temporary resource name), so a
 * rejected campaign never leaves an orphan budget and `validateOnly` checks both. Requests carry the
 * brokered OAuth access token, `developer-token` and `login-customer-id`, never the agent's token. A mutate
 * is never retried on 5xx or a network error (it may have been applied); 429 is retried after
 * `Retry-After` (or backoff) when that still fits before the deadline.
 */
@Injectable()
export class GoogleAdsClient implements OnModuleDestroy {
  private readonly logger = new Logger('GoogleAdsClient');
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(@Inject(adsConfig.KEY) private readonly config: ConfigType<typeof adsConfig>) {
    const url = new URL(config.baseUrl);
    this.pool = new Pool(url.origin, { connections: 8, keepAliveTimeout: 30_000 });
    this.prefix = url.pathname.replace(/\/+$/, '');
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }

  /** Creates (or, with `validateOnly`, validates) the budget and the PAUSED campaign in one transaction. */
  async mutateCampaign(plan: CampaignPlan, call: GoogleAdsCall): Promise<CreatedCampaign> {
    const path = `${this.prefix}/${this.config.apiVersion}/customers/${plan.customerId}/googleAds:mutate`;
    const body = JSON.stringify(campaignMutateBody(plan, this.config.apiVersion));
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.post(path, body, call);
      if (answer.status >= 200 && answer.status < 300)
        return this.created(plan, answer.body as MutateResponse);
      if (answer.status !== 429) throw googleAdsProblem(answer.status, answer.body);
      const wait = answer.retryAfterMs ?? backoffMs(attempt, 1_000, 8_000);
      if (attempt >= MAX_ATTEMPTS || !fitsBeforeDeadline(call.deadline.at, wait)) {
        throw googleAdsRateLimited(answer.retryAfterMs);
      }
      this.logger.warn({
        msg: `Google Ads mutate answered 429; retry ${attempt + 1}/${MAX_ATTEMPTS} in ${wait} ms`,
        request_id: call.requestId,
      });
      await pause(wait, call.deadline.signal);
    }
  }

  private created(plan: CampaignPlan, response: MutateResponse | undefined): CreatedCampaign {
    const created = createdOf(response);
    if (!plan.validateOnly && !created.campaignResourceName) {
      throw new ProviderUpstreamException('ads', 'Google Ads answered without the created campaign.');
    }
    return created;
  }

  private async post(path: string, body: string, call: GoogleAdsCall): Promise<Answer> {
    try {
      const response = await this.pool.request({
        method: 'POST',
        path,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: `Bearer ${call.accessToken}`,
          'developer-token': this.config.developerToken ?? '',
          ...(this.config.loginCustomerId ? { 'login-customer-id': this.config.loginCustomerId } : {}),
        },
        body,
        signal: call.deadline.events,
      });
      const text = await readBody(response.body, MAX_BODY_BYTES, response.headers['content-length']);
      return {
        status: response.statusCode,
        body: parseJson(text),
        retryAfterMs: retryAfterMs(response.headers['retry-after']),
      };
    } catch (error) {
      if (call.deadline.aborted) throw error;
      throw googleAdsUnreachable(error);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Resource names from a mutate answer; a validate-only answer has none. */
function createdOf(response: MutateResponse | undefined): CreatedCampaign {
  const results = response?.mutateOperationResponses ?? [];
  return {
    budgetResourceName:
      results.find((r) => r.campaignBudgetResult)?.campaignBudgetResult?.resourceName ?? null,
    campaignResourceName: results.find((r) => r.campaignResult)?.campaignResult?.resourceName ?? null,
  };
}
