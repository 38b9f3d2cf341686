import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { TokenBroker } from '@toolgate/broker';
import { type InvocationContext, ProviderUnconfiguredException } from '@toolgate/core';

import { GoogleAdsClient } from './ads.client';
import { adsConfig, GOOGLE_ADS_SECRET_ENV } from './ads.config';
import { isDefiniteRejection } from './ads.exception';
import {
  ADS_PROVIDER_KEY,
  ADS_SCOPES,
  type CampaignResult,
  type CreateCampaignInput,
  type GoogleAdsCall,
} from './ads.types';
import { AdsBudgetLedger } from './budget/ads-budget-ledger.service';
import { campaignResult, planCampaign } from './campaign-plan.util';
import { AdsSandboxService } from './sandbox/ads-sandbox.service';

/**
 * `ads:createCampaign` end to end: sandbox mode stores the campaign locally; live mode checks the account
 * is granted, claims the budget against the tenant's ceiling, then creates it in Google Ads, then settles
 * the claim (or releases it when Google refused the campaign).
 */
@Injectable()
export class AdsCampaignService {
  private readonly logger = new Logger('AdsCampaigns');

  constructor(
    private readonly client: GoogleAdsClient,
    private readonly ledger: AdsBudgetLedger,
    private readonly sandbox: AdsSandboxService,
    private readonly broker: TokenBroker,
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
    if (this.config.missing.length > 0) throw new ProviderUnconfiguredException('ads', this.config.missing);
    // The account first: a tenant with none granted gets 403, whatever the state of the credentials.
    const plan = planCampaign(input, this.config, tenant);
    const call = this.liveCall(ctx);
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
      if (isDefiniteRejection(error)) await this.release(reservation, ctx.requestId);
      throw error;
    }
  }

  /** Google refused the campaign: its claim no longer counts. A failure here must not hide Google's answer. */
  private async release(reservation: string, requestId: string): Promise<void> {
    try {
      await this.ledger.release(reservation);
    } catch (error) {
      this.logger.error({
        msg: 'Google Ads refused the campaign, but its budget claim could not be released (it keeps counting)',
        request_id: requestId,
        reservation,
        err: String(error),
      });
    }
  }

  /** The brokered access token (503 naming the variables when there is none), renewed once if Google refuses it. */
  private liveCall(ctx: InvocationContext): GoogleAdsCall {
    const accessToken = ctx.credentials?.access_token;
    if (!accessToken) throw new ProviderUnconfiguredException('ads', Object.values(GOOGLE_ADS_SECRET_ENV));
    const request = {
      scopes: [...ADS_SCOPES],
      subject: ctx.principal.subject,
      tenant: ctx.principal.tenant,
      purpose: ctx.toolId,
    };
    const renewToken = async (rejected: string): Promise<string | undefined> => {
      // Google refused the token without applying anything: a deadline passing during this wait leaves the
      // call without effect, and the broker's renewal says so.
      const fresh = await this.broker.renew(ADS_PROVIDER_KEY, rejected, request, ctx.deadline);
      if (fresh) ctx.reportCredentials?.(fresh);
      return fresh?.access_token;
    };
    return { accessToken, deadline: ctx.deadline, requestId: ctx.requestId, renewToken };
  }
}
