import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { type CampaignPlan, type CreatedCampaign } from '../ads.types';
import { AdsBudgetLedger } from '../budget/ads-budget-ledger.service';
import { AdsSandboxCampaignEntity } from '../entities/ads-sandbox-campaign.entity';

/** Who asked, for the sandbox row. */
export interface SandboxOwner {
  tenant: string;
  subject: string;
  requestId: string;
}

/**
 * Sandbox mode: the campaign is stored in `ads_sandbox_campaigns` instead of being sent to Google Ads, in
 * the same transaction as its claim on the tenant's daily budget ceiling. Checks are those of the tool's
 * schema and the ceiling only (Google's own rules, such as start dates in the past, are not simulated).
 */
@Injectable()
export class AdsSandboxService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: AdsBudgetLedger,
  ) {}

  async create(plan: CampaignPlan, owner: SandboxOwner): Promise<CreatedCampaign> {
    const claim = {
      tenant: owner.tenant,
      mode: 'sandbox' as const,
      amountMicros: plan.amountMicros,
      requestId: owner.requestId,
    };
    if (plan.validateOnly) {
      await this.ledger.check(claim);
      return { budgetResourceName: null, campaignResourceName: null };
    }
    return this.dataSource.transaction(async (manager) => {
      await this.ledger.lockWithinCeiling(manager, claim);
      const row = await manager.getRepository(AdsSandboxCampaignEntity).save({
        tenant: owner.tenant,
        subject: owner.subject,
        customerId: plan.customerId,
        name: plan.name,
        status: 'PAUSED',
        advertisingChannelType: plan.channel,
        startDate: plan.startDate,
        budgetAmountMicros: String(plan.amountMicros),
        containsEuPoliticalAdvertising: plan.euPolitical,
        requestId: owner.requestId,
      });
      const created = {
        budgetResourceName: `customers/${plan.customerId}/campaignBudgets/${row.id}`,
        campaignResourceName: `customers/${plan.customerId}/campaigns/${row.id}`,
      };
      await this.ledger.record(manager, claim, 'committed', created.campaignResourceName);
      return created;
    });
  }
}
