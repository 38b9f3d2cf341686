import { TokenBroker } from '@toolgate/broker';
import { createDeadline, DomainException, type InvocationContext } from '@toolgate/core';
import { runProviderContractSuite } from '@toolgate/testing';

import { type GoogleAdsClient } from './ads.client';
import { loadAdsConfig } from './ads.config';
import { type CampaignPlan, type CreatedCampaign } from './ads.types';
import { AdsCampaignService } from './ads-campaign.service';
import { AdsProviderService } from './ads-provider.service';
import { type AdsBudgetLedger, type BudgetClaim } from './budget/ads-budget-ledger.service';
import { type AdsSandboxService } from './sandbox/ads-sandbox.service';

const LIVE_ENV = {
  GOOGLE_ADS_CLIENT_ID: 'id',
  GOOGLE_ADS_CLIENT_SECRET: 'secret',
  GOOGLE_ADS_REFRESH_TOKEN: 'refresh',
  GOOGLE_ADS_DEVELOPER_TOKEN: 'dev',
  GOOGLE_ADS_CUSTOMER_ID: '123-456-7890',
};

/** In-memory stand-ins for the database-backed ledger and sandbox (the integration spec covers the real ones). */
class Stubs {
  readonly events: string[] = [];
  readonly plans: CampaignPlan[] = [];
  answer: () => Promise<CreatedCampaign> = async () => ({
    budgetResourceName: 'customers/1234567890/campaignBudgets/7',
    campaignResourceName: 'customers/1234567890/campaigns/7',
  });

  client = {
    mutateCampaign: (plan: CampaignPlan) => {
      this.plans.push(plan);
      this.events.push('google');
      return this.answer();
    },
  } as unknown as GoogleAdsClient;

  ledger = {
    check: async (claim: BudgetClaim) => void this.events.push(`check ${claim.mode} ${claim.amountMicros}`),
    reserve: async (claim: BudgetClaim) => {
      this.events.push(`reserve ${claim.tenant} ${claim.amountMicros}`);
      return '41';
    },
    settle: async (id: string, name: string | null) => void this.events.push(`settle ${id} ${name}`),
    release: async (id: string) => void this.events.push(`release ${id}`),
  } as unknown as AdsBudgetLedger;

  sandbox = {
    create: async (plan: CampaignPlan) => {
      this.plans.push(plan);
      this.events.push('sandbox');
      return {
        budgetResourceName: 'customers/0000000000/campaignBudgets/1',
        campaignResourceName: 'customers/0000000000/campaigns/1',
      };
    },
  } as unknown as AdsSandboxService;
}

function provider(env: Record<string, string> = {}, stubs = new Stubs()): AdsProviderService {
  const config = loadAdsConfig(env);
  return new AdsProviderService(
    new AdsCampaignService(stubs.client, stubs.ledger, stubs.sandbox, config),
    new TokenBroker(),
    config,
  );
}

const ctx = (accessToken?: string): InvocationContext => ({
  principal: { subject: 'agent-1', tenant: 'acme', roles: ['finance-write'], scopes: [], kind: 'jwt' },
  requestId: 'req-9',
  toolId: 'ads:createCampaign',
  deadline: createDeadline(5_000),
  credentials: accessToken
    ? { token_type: 'Bearer', access_token: accessToken, expires_in: 3599, scopes: [] }
    : undefined,
});

const SEED = { name: 'LaunchX', budget: 1200, startDate: '2025-10-10' };

runProviderContractSuite(() => provider(), 'ads provider: contract');

describe('ads provider', () => {
  const run = (host: AdsProviderService, input: Record<string, unknown>, context = ctx()) =>
    host.invoke(host.listTools()[0], input, context);

  it('lists ads:createCampaign, financial, needing ads.write, with the seed inputs', () => {
    const [tool] = provider().listTools();
    expect(tool.name).toBe('createCampaign');
    expect(tool.safety_tags).toContain('financial');
    expect(tool.required_scopes).toEqual(['ads.write']);
    expect(tool.inputs.required).toEqual(['name', 'budget', 'startDate']);
  });

  describe('modes', () => {
    it('defaults to sandbox without Google credentials and to live as soon as one is set', () => {
      expect(loadAdsConfig({}).mode).toBe('sandbox');
      expect(loadAdsConfig({ GOOGLE_ADS_DEVELOPER_TOKEN: 'x' })).toMatchObject({
        mode: 'live',
        missing: ['GOOGLE_ADS_CLIENT_ID', 'GOOGLE_ADS_CLIENT_SECRET', 'GOOGLE_ADS_REFRESH_TOKEN'],
      });
      expect(loadAdsConfig({ ...LIVE_ENV, ADS_MODE: 'sandbox' }).mode).toBe('sandbox');
      expect(loadAdsConfig({ ADS_MAX_DAILY_BUDGET: '1000.5' }).maxDailyBudgetMicros).toBe(1_000_500_000);
      expect(() => loadAdsConfig({ ADS_MAX_DAILY_BUDGET: 'lots' })).toThrow(
        /ADS_MAX_DAILY_BUDGET must be a number/,
      );
      expect(() => loadAdsConfig({ ADS_MODE: 'prod' })).toThrow(/ADS_MODE/);
    });

    it('sandbox: stores the seed campaign, budget in micros, and says mode "sandbox"', async () => {
      const stubs = new Stubs();
      const result = await run(provider({}, stubs), SEED);
      expect(stubs.events).toEqual(['sandbox']);
      expect(stubs.plans[0]).toMatchObject({
        amountMicros: 1_200_000_000,
        channel: 'SEARCH',
        validateOnly: false,
      });
      expect(result).toMatchObject({
        mode: 'sandbox',
        validateOnly: false,
        campaign: { name: 'LaunchX', status: 'PAUSED', resourceName: 'customers/0000000000/campaigns/1' },
        budget: { amountMicros: '1200000000', dailyAmount: 1200 },
      });
    });

    it('live without credentials: 503 naming the missing variables, nothing called', async () => {
      const stubs = new Stubs();
      const error = await run(provider({ ADS_MODE: 'live' }, stubs), SEED).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainException);
      expect(error).toMatchObject({
        status: 503,
        code: 'PROVIDER.UNCONFIGURED',
        extensions: {
          missing: [
            'GOOGLE_ADS_CLIENT_ID',
            'GOOGLE_ADS_CLIENT_SECRET',
            'GOOGLE_ADS_REFRESH_TOKEN',
            'GOOGLE_ADS_DEVELOPER_TOKEN',
          ],
        },
      });
      expect(stubs.events).toEqual([]);
      await expect(provider({ ADS_MODE: 'live' }).check()).resolves.toMatchObject({ status: 'unconfigured' });
    });
  });

  describe('live', () => {
    it('claims the budget, calls Google, then settles the claim; the result says mode "live"', async () => {
      const stubs = new Stubs();
      const result = await run(provider(LIVE_ENV, stubs), SEED, ctx('ya29.a'));
      expect(stubs.events).toEqual([
        'reserve acme 1200000000',
        'google',
        'settle 41 customers/1234567890/campaigns/7',
      ]);
      expect(stubs.plans[0].customerId).toBe('1234567890');
      expect(result).toMatchObject({ mode: 'live', customerId: '1234567890' });
    });

    it('releases the claim when Google refuses the campaign, keeps it when the outcome is unknown', async () => {
      const refused = new Stubs();
      refused.answer = () =>
        Promise.reject(
          new DomainException('ADS.INVALID_ARGUMENT', 422, 'x', { extensions: { upstream_status: 400 } }),
        );
      await expect(run(provider(LIVE_ENV, refused), SEED, ctx('ya29.a'))).rejects.toMatchObject({
        status: 422,
      });
      expect(refused.events).toEqual(['reserve acme 1200000000', 'google', 'release 41']);

      const unknown = new Stubs();
      unknown.answer = () =>
        Promise.reject(
          new DomainException('PROVIDER.UPSTREAM_ERROR', 502, 'x', { extensions: { upstream_status: 503 } }),
        );
      await expect(run(provider(LIVE_ENV, unknown), SEED, ctx('ya29.a'))).rejects.toMatchObject({
        status: 502,
      });
      expect(unknown.events).toEqual(['reserve acme 1200000000', 'google']);
    });

    it('validate_only: checks the ceiling without claiming, and sends validateOnly', async () => {
      const stubs = new Stubs();
      stubs.answer = async () => ({ budgetResourceName: null, campaignResourceName: null });
      const result = await run(provider(LIVE_ENV, stubs), { ...SEED, validate_only: true }, ctx('ya29.a'));
      expect(stubs.events).toEqual(['check live 1200000000', 'google']);
      expect(stubs.plans[0].validateOnly).toBe(true);
      expect(result).toMatchObject({ mode: 'live', validateOnly: true, campaign: { resourceName: null } });
    });

    it('needs a customer id from the call or GOOGLE_ADS_CUSTOMER_ID (422)', async () => {
      const { GOOGLE_ADS_CUSTOMER_ID: _unused, ...withoutCustomer } = LIVE_ENV;
      await expect(run(provider(withoutCustomer), SEED, ctx('ya29.a'))).rejects.toMatchObject({
        status: 422,
        errors: [{ pointer: '/customerId' }],
      });
      const stubs = new Stubs();
      await run(provider(withoutCustomer, stubs), { ...SEED, customerId: '555-444-3333' }, ctx('ya29.a'));
      expect(stubs.plans[0].customerId).toBe('5554443333');
    });

    it('answers 503 when the broker issued no access token', async () => {
      await expect(run(provider(LIVE_ENV), SEED)).rejects.toMatchObject({
        status: 503,
        code: 'PROVIDER.UNCONFIGURED',
      });
    });
  });
});
