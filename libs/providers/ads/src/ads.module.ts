import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { BrokerModule } from '@toolgate/broker';

import { GoogleAdsClient } from './ads.client';
import { adsConfig } from './ads.config';
import { AdsCampaignService } from './ads-campaign.service';
import { AdsProviderService } from './ads-provider.service';
import { AdsBudgetLedger } from './budget/ads-budget-ledger.service';
import { AdsBudgetReservationEntity } from './entities/ads-budget-reservation.entity';
import { AdsSandboxCampaignEntity } from './entities/ads-sandbox-campaign.entity';
import { AdsSandboxService } from './sandbox/ads-sandbox.service';

/** Mounts provider `ads` (Google Ads, or its sandbox); needs the app's TypeORM connection. */
@Module({
  imports: [
    ConfigModule.forFeature(adsConfig),
    TypeOrmModule.forFeature([AdsSandboxCampaignEntity, AdsBudgetReservationEntity]),
    BrokerModule,
  ],
  providers: [GoogleAdsClient, AdsBudgetLedger, AdsSandboxService, AdsCampaignService, AdsProviderService],
  exports: [AdsProviderService],
})
export class AdsProviderModule {}
