import { defineTool } from '@toolgate/core';

import { type AdsCampaignService } from '../ads-campaign.service';
import { ADS_SCOPES, type CampaignResult, type CreateCampaignInput } from '../ads.types';

const RESOURCE_NAME = { type: ['string', 'null'] };

/** `ads:createCampaign`: a PAUSED Google Ads campaign with its own daily budget. Spends money: `financial`. */
export function createCampaignTool(campaigns: AdsCampaignService) {
  return defineTool<CreateCampaignInput, CampaignResult>({
    name: 'createCampaign',
    title: 'Create campaign',
    description:
      'Creates a Google Ads campaign, PAUSED, with a daily budget in the account currency (`budget`, sent as ' +
      "micros), in a Google Ads account the operator granted to the caller's tenant (another answers 403 " +
      '`ADS.CUSTOMER_NOT_ALLOWED`). `validate_only` checks it without creating anything. Results say ' +
      '`mode: "sandbox"` when the gateway stores campaigns locally instead of calling Google Ads.',
    inputs: {
      type: 'object',
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 255,
          description: 'Campaign name (unique per account).',
        },
        budget: {
          type: 'number',
          minimum: 0.01,
          maximum: 1_000_000_000,
          description: 'Daily budget in the account currency (1200 = 1,200.00 a day).',
        },
        startDate: {
          type: 'string',
          format: 'date',
          description: 'First day, YYYY-MM-DD (account time zone).',
        },
        customerId: {
          type: 'string',
          pattern: '^\\d{3}-?\\d{3}-?\\d{4}$',
          description:
            "Google Ads account, one granted to the caller's tenant (ADS_TENANT_CUSTOMER_IDS, else " +
            "GOOGLE_ADS_CUSTOMER_ID); defaults to the tenant's first. Any other: 403, nothing created.",
        },
        validate_only: { type: 'boolean', default: false, description: 'Dry run: validate, create nothing.' },
        advertisingChannelType: { type: 'string', enum: ['SEARCH', 'DISPLAY'], default: 'SEARCH' },
        containsEuPoliticalAdvertising: {
          type: 'boolean',
          default: false,
          description: 'EU political advertising self-declaration, required by Google Ads for new campaigns.',
        },
      },
      required: ['name', 'budget', 'startDate'],
      additionalProperties: false,
    },
    outputs: {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['sandbox', 'live'] },
        validateOnly: { type: 'boolean' },
        customerId: { type: 'string' },
        campaign: {
          type: 'object',
          properties: { resourceName: RESOURCE_NAME, name: { type: 'string' }, status: { const: 'PAUSED' } },
        },
        budget: {
          type: 'object',
          properties: {
            resourceName: RESOURCE_NAME,
            amountMicros: { type: 'string' },
            dailyAmount: { type: 'number' },
          },
        },
      },
      required: ['mode', 'validateOnly', 'customerId', 'campaign', 'budget'],
    },
    required_scopes: [...ADS_SCOPES],
    safety_tags: ['financial', 'write'],
    timeout_ms: 30_000,
    // Checked again when the call runs: the grants may change between the hold and the confirm.
    admit: (input, principal) => campaigns.admit(input, principal.tenant),
    execute: (input, ctx) => campaigns.create(input, ctx),
  });
}
