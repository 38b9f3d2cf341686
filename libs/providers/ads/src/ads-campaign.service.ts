import { Inject, Injectable } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { type InvocationContext, ProviderUnconfiguredException } from '@toolgate/core';

import { GoogleAdsClient } from './ads.client';
import { adsConfig, GOOGLE_ADS_SECRET_ENV } from './ads.config';
import { isDefiniteRejection } from './ads.exception';
import { type CampaignResult, type CreateCampaignInput, type GoogleAdsCall } from './ads.types';
import { AdsBudgetLedger } from './budget/ads-budget-ledger.service';
import { campaignResult, planCampaign } from './campaign-plan.util';
import { AdsSandboxService } from './sandbox/ads-sandbox.service';

/**
 * `ads:createCampaign` end to end: sandbox mode stores the campaign locally; live mode claims the budget
 * against the tenant's ceiling, then creates it in Google Ads, then settles the claim (or releases it when
 * Google refused the campaign).
 */
@Injectable()
export class AdsCampaignService {
  constructor(
    private readonly client: GoogleAdsClient,
    private readonly ledger: AdsBudgetLedger,
    private readonly sandbox: AdsSandboxService,
    @Inject(adsConfig.KEY) private readonly config: ConfigType<typeof adsConfig>,
  ) {}

  /**
   * Before the call is held for approval: the account must be granted to the tenant (403 otherwise). Live
   * mode without its credentials is left to the execution (503 naming them): that is the provider's state,
   * not this caller's arguments, and may be fixed before the confirm.
   */
  admit(input: CreateCampaignInput, tenant: string): void {
    if (this.config.mode === 'live' && this.config.missing.length > 0) return;
    planCampaign(input, this.config, tenant);
  }

  async create(input: CreateCampaignInput, ctx: InvocationContext): Promise<CampaignResult> {
    const { tenant, subject } = ctx.principal;
    if (this.config.mode === 'sandbox') {
      const plan = planCampaign(input, this.config, tenant);
      const created = await this.sandbox.create(plan, { tenant, subject, requestId: ctx.requestId });
      return campaignResult(plan, 'sandbox', created);
    }
    const call = this.liveCall(ctx);
    const plan = planCampaign(input, this.config, tenant);
    const claim = {
      tenant,
      mode: 'live' as const,
      amountMicros: plan.amountMicros,
      requestId: ctx.requestId,
    };
    if (plan.validateOnly) {
      await this.ledger.check(claim);
      return campaignResult(plan, 'live', await this.client.mutateCampaign(plan, call));
    }
    const reservation = await this.ledger.reserve(claim);
    try {
      const created = await this.client.mutateCampaign(plan, call);
      await this.ledger.settle(reservation, created.campaignResourceName);
      return campaignResult(plan, 'live', created);
    } catch (error) {
      if (isDefiniteRejection(error)) await this.ledger.release(reservation);
      throw error;
    }
  }

  /** The brokered access token; 503 naming the missing variables when live mode is not configured. */
  private liveCall(ctx: InvocationContext): GoogleAdsCall {
    if (this.config.missing.length > 0) throw new ProviderUnconfiguredException('ads', this.config.missing);
    const accessToken = ctx.credentials?.access_token;
    if (!accessToken) throw new ProviderUnconfiguredException('ads', Object.values(GOOGLE_ADS_SECRET_ENV));
    return { accessToken, deadline: ctx.deadline, requestId: ctx.requestId };
  }
}
