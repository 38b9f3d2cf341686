import { type AdsConfig } from './ads.config';
import { AdsCustomerNotAllowedException } from './ads.exception';
import {
  type AdsMode,
  type CampaignPlan,
  type CampaignResult,
  type CreatedCampaign,
  type CreateCampaignInput,
} from './ads.types';

/** The Google Ads accounts the operator granted to `tenant` (its default first); empty: none. */
export function customerIdsOf(config: AdsConfig, tenant: string): readonly string[] {
  return config.customerGrants.byTenant.get(tenant) ?? config.customerGrants.others;
}

/**
 * Normalises the arguments: budget (account currency per day) → micros, customer id without dashes. The
 * account must be one granted to the caller's tenant (the tenant's default when none is given): otherwise
 * 403 before anything is claimed, stored or sent, in both modes.
 */
export function planCampaign(input: CreateCampaignInput, config: AdsConfig, tenant: string): CampaignPlan {
  const allowed = customerIdsOf(config, tenant);
  const customerId = input.customerId?.replace(/-/g, '') ?? allowed[0];
  if (customerId === undefined || !allowed.includes(customerId)) {
    throw new AdsCustomerNotAllowedException(tenant, customerId);
  }
  return {
    customerId,
    name: input.name,
    amountMicros: Math.round(input.budget * 1_000_000),
    startDate: input.startDate,
    channel: input.advertisingChannelType ?? 'SEARCH',
    euPolitical: input.containsEuPoliticalAdvertising ?? false,
    validateOnly: input.validate_only ?? false,
  };
}

/**
 * The `googleAds:mutate` body: the budget (temporary resource name -1) and the PAUSED campaign using it,
 * created atomically, or only validated with `validateOnly`. From API v23 on, the start is
 * `startDateTime` ("yyyy-MM-dd HH:mm:ss"); earlier versions take `startDate`.
 */
export function campaignMutateBody(plan: CampaignPlan, apiVersion: string): Record<string, unknown> {
  const budget = `customers/${plan.customerId}/campaignBudgets/-1`;
  const start =
    Number(apiVersion.slice(1)) >= 23
      ? { startDateTime: `${plan.startDate} 00:00:00` }
      : { startDate: plan.startDate };
  const network =
    plan.channel === 'SEARCH'
      ? {
          networkSettings: {
            targetGoogleSearch: true,
            targetSearchNetwork: true,
            targetContentNetwork: false,
            targetPartnerSearchNetwork: false,
          },
        }
      : {};
  return {
    mutateOperations: [
      {
        campaignBudgetOperation: {
          create: {
            resourceName: budget,
            amountMicros: String(plan.amountMicros),
            deliveryMethod: 'STANDARD',
            explicitlyShared: false,
          },
        },
      },
      {
        campaignOperation: {
          create: {
            name: plan.name,
            status: 'PAUSED',
            advertisingChannelType: plan.channel,
            campaignBudget: budget,
            manualCpc: {},
            ...network,
            ...start,
            containsEuPoliticalAdvertising: plan.euPolitical
              ? 'CONTAINS_EU_POLITICAL_ADVERTISING'
              : 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
          },
        },
      },
    ],
    validateOnly: plan.validateOnly,
  };
}

export function campaignResult(plan: CampaignPlan, mode: AdsMode, created: CreatedCampaign): CampaignResult {
  return {
    mode,
    validateOnly: plan.validateOnly,
    customerId: plan.customerId,
    campaign: {
      resourceName: created.campaignResourceName,
      name: plan.name,
      status: 'PAUSED',
      advertisingChannelType: plan.channel,
      startDate: plan.startDate,
    },
    budget: {
      resourceName: created.budgetResourceName,
      amountMicros: String(plan.amountMicros),
      dailyAmount: plan.amountMicros / 1_000_000,
      deliveryMethod: 'STANDARD',
    },
  };
}
