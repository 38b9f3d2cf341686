export { AdsProviderModule } from './ads.module';
export { ADS_PROVIDER_KEY, AdsProviderService } from './ads-provider.service';
export { GoogleAdsClient } from './ads.client';
export { adsConfig, type AdsConfig, type CustomerGrants, loadAdsConfig } from './ads.config';
export {
  AdsBudgetCeilingException,
  AdsCustomerNotAllowedException,
  AdsInvalidArgumentException,
} from './ads.exception';
export { type AdsMode, type CampaignResult, type CreateCampaignInput } from './ads.types';
export { AdsBudgetReservationEntity } from './entities/ads-budget-reservation.entity';
export { AdsSandboxCampaignEntity } from './entities/ads-sandbox-campaign.entity';
export {
  FAKE_GOOGLE_ADS_CREDENTIALS,
  FakeGoogleAds,
  type FakeGoogleAdsRequest,
} from './testing/fake-google-ads.util';
