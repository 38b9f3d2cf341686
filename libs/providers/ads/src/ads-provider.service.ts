import { Inject, Logger, type OnModuleInit } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { RefreshTokenSource, TokenBroker } from '@toolgate/broker';
import {
  type ProviderDescription,
  type ProviderHealth,
  type ToolDefinition,
  ToolProvider,
  ToolProviderHost,
} from '@toolgate/core';

import { AdsCampaignService } from './ads-campaign.service';
import { adsConfig, GOOGLE_ADS_SECRET_ENV } from './ads.config';
import { ADS_PROVIDER_KEY } from './ads.types';
import { createCampaignTool } from './tools/create-campaign.tool';

export { ADS_PROVIDER_KEY } from './ads.types';

/**
 * Provider `ads`: Google Ads campaigns. Live mode exchanges the stored OAuth refresh token for access
 * tokens through the token broker (cached until shortly before expiry); sandbox mode, the default without
 * Google credentials, stores campaigns in Postgres and says so in every result.
 */
@ToolProvider({ key: ADS_PROVIDER_KEY, contractVersion: 1 })
export class AdsProviderService extends ToolProviderHost implements OnModuleInit {
  private readonly logger = new Logger('AdsProvider');
  private readonly tools: ToolDefinition[];

  constructor(
    campaigns: AdsCampaignService,
    private readonly broker: TokenBroker,
    @Inject(adsConfig.KEY) private readonly config: ConfigType<typeof adsConfig>,
  ) {
    super();
    this.tools = [createCampaignTool(campaigns)];
  }

  onModuleInit(): void {
    const { mode, missing, hasOAuth, tokenUrl, maxDailyBudgetMicros } = this.config;
    if (mode === 'live' && hasOAuth) {
      this.broker.register(
        ADS_PROVIDER_KEY,
        new RefreshTokenSource({
          provider: ADS_PROVIDER_KEY,
          tokenUrl,
          clientIdEnv: GOOGLE_ADS_SECRET_ENV.clientId,
          clientSecretEnv: GOOGLE_ADS_SECRET_ENV.clientSecret,
          refreshTokenEnv: GOOGLE_ADS_SECRET_ENV.refreshToken,
        }),
      );
    }
    const ceiling =
      maxDailyBudgetMicros === undefined
        ? 'no daily budget ceiling (ADS_MAX_DAILY_BUDGET unset)'
        : `daily budget ceiling ${maxDailyBudgetMicros / 1_000_000} per tenant`;
    if (mode === 'sandbox')
      this.logger.log(`Google Ads in sandbox mode: campaigns stay in Postgres; ${ceiling}`);
    else if (missing.length > 0)
      this.logger.warn(`Google Ads live mode is missing ${missing.join(', ')}: 503 until set`);
    else this.logger.log(`Google Ads in live mode (API ${this.config.apiVersion}); ${ceiling}`);
    const { byTenant, others } = this.config.customerGrants;
    if (mode === 'live' && byTenant.size === 0 && others.length === 0)
      this.logger.warn(
        'No Google Ads account granted (ADS_TENANT_CUSTOMER_IDS, GOOGLE_ADS_CUSTOMER_ID): 403 until set',
      );
  }

  describe(): ProviderDescription {
    return {
      key: ADS_PROVIDER_KEY,
      name: 'Google Ads',
      description: 'Google Ads campaigns (REST API), or a local sandbox when no Google credentials are set.',
      contractVersion: 1,
    };
  }

  listTools(): ToolDefinition[] {
    return this.tools;
  }

  async check(): Promise<ProviderHealth> {
    if (this.config.mode === 'sandbox') return { status: 'up', detail: 'sandbox mode' };
    if (this.config.missing.length > 0) {
      return { status: 'unconfigured', detail: `set ${this.config.missing.join(', ')}` };
    }
    return { status: 'up', detail: `live mode, API ${this.config.apiVersion} (not probed)` };
  }
}
