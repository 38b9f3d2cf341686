import { type InvocationDeadline } from '@toolgate/core';

/** The provider's key, and its credential source's in the token broker. */
export const ADS_PROVIDER_KEY = 'ads';
/** The scopes `ads:createCampaign` requires (and its token is exchanged for). */
export const ADS_SCOPES: readonly string[] = ['ads.write'];

export type AdsMode = 'sandbox' | 'live';
export type ChannelType = 'SEARCH' | 'DISPLAY';

/** Arguments of `ads:createCampaign` (the seed's `{ name, budget, startDate }` plus options). */
export type CreateCampaignInput = {
  name: string;
  /** Daily budget in the account currency. */
  budget: number;
  /** YYYY-MM-DD, in the account's time zone. */
  startDate: string;
  customerId?: string;
  validate_only?: boolean;
  advertisingChannelType?: ChannelType;
  containsEuPoliticalAdvertising?: boolean;
};

/** The campaign to create, normalised: customer id without dashes, budget in micros. */
export interface CampaignPlan {
  customerId: string;
  name: string;
  amountMicros: number;
  startDate: string;
  channel: ChannelType;
  euPolitical: boolean;
  validateOnly: boolean;
}

/** What Google Ads (or the sandbox) created: resource names, null for a dry run. */
export interface CreatedCampaign {
  budgetResourceName: string | null;
  campaignResourceName: string | null;
}

/** The tool's answer; `mode` says whether it reached Google Ads. */
export interface CampaignResult {
  mode: AdsMode;
  validateOnly: boolean;
  customerId: string;
  campaign: {
    resourceName: string | null;
    name: string;
    status: 'PAUSED';
    advertisingChannelType: ChannelType;
    startDate: string;
  };
  budget: {
    resourceName: string | null;
    amountMicros: string;
    dailyAmount: number;
    deliveryMethod: 'STANDARD';
  };
}

/** What one live call needs: the brokered access token and the invocation's deadline. */
export interface GoogleAdsCall {
  accessToken: string;
  deadline: InvocationDeadline;
  /** For log lines. */
  requestId?: string;
  /**
   * Google refused `rejected` (401): drops it from the broker's cache and gets a new token for one more
   * attempt (`TokenBroker.renew`); undefined when none can be had. Past the deadline it rejects with the
   * broker's 504 saying the call had no effect.
   */
  renewToken?(rejected: string): Promise<string | undefined>;
}
