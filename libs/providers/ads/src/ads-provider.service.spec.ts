import { CredentialTimeoutException, TokenBroker } from '@toolgate/broker';
import { createDeadline, DomainException, type InvocationContext } from '@toolgate/core';
import { runProviderContractSuite } from '@toolgate/testing';

import { type GoogleAdsClient } from './ads.client';
import { loadAdsConfig } from './ads.config';
import { type CampaignPlan, type CreatedCampaign, type GoogleAdsCall } from './ads.types';
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

  readonly calls: GoogleAdsCall[] = [];

  client = {
    mutateCampaign: (plan: CampaignPlan, call: GoogleAdsCall) => {
      this.plans.push(plan);
      this.calls.push(call);
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

function provider(
  env: Record<string, string> = {},
  stubs = new Stubs(),
  broker = new TokenBroker(),
): AdsProviderService {
  const config = loadAdsConfig(env);
  return new AdsProviderService(
    new AdsCampaignService(stubs.client, stubs.ledger, stubs.sandbox, broker, config),
    broker,
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

/** The credential request the provider makes for the seed's campaign call. */
const EXCHANGE = {
  scopes: ['ads.write'],
  subject: 'agent-1',
  tenant: 'acme',
  purpose: 'ads:createCampaign',
};

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

    it('without any account granted (no GOOGLE_ADS_CUSTOMER_ID) answers 403 whatever the call says', async () => {
      const { GOOGLE_ADS_CUSTOMER_ID: _unused, ...withoutCustomer } = LIVE_ENV;
      const stubs = new Stubs();
      for (const input of [SEED, { ...SEED, customerId: '555-444-3333' }]) {
        await expect(run(provider(withoutCustomer, stubs), input, ctx('ya29.a'))).rejects.toMatchObject({
          status: 403,
          code: 'ADS.CUSTOMER_NOT_ALLOWED',
        });
      }
      expect(stubs.events).toEqual([]);
    });

    it("keeps Google's refusal when releasing the claim fails (the claim keeps counting)", async () => {
      const stubs = new Stubs();
      stubs.answer = () =>
        Promise.reject(
          new DomainException('ADS.INVALID_ARGUMENT', 422, 'x', { extensions: { upstream_status: 400 } }),
        );
      stubs.ledger.release = async () => {
        stubs.events.push('release failed');
        throw new Error('connection terminated');
      };
      await expect(run(provider(LIVE_ENV, stubs), SEED, ctx('ya29.a'))).rejects.toMatchObject({
        status: 422,
        code: 'ADS.INVALID_ARGUMENT',
      });
      expect(stubs.events).toEqual(['reserve acme 1200000000', 'google', 'release failed']);
    });

    it('checks the account before the credentials: a tenant with none granted gets 403, not 503', async () => {
      const { GOOGLE_ADS_CUSTOMER_ID: _unused, ...withoutCustomer } = LIVE_ENV;
      await expect(run(provider(withoutCustomer), SEED)).rejects.toMatchObject({
        status: 403,
        code: 'ADS.CUSTOMER_NOT_ALLOWED',
      });
    });

    it('lets the client renew a token Google refused: dropped from the broker, a new one reported', async () => {
      let issued = 0;
      const broker = new TokenBroker();
      broker.register('ads', {
        issue: async (request) => ({
          token_type: 'Bearer',
          access_token: `ya29.t${(issued += 1)}`,
          expires_in: 3600,
          scopes: request.scopes,
        }),
      });
      const cached = await broker.exchange('ads', EXCHANGE);
      const stubs = new Stubs();
      const reported: string[] = [];
      const context: InvocationContext = {
        ...ctx(cached!.access_token),
        reportCredentials: (used) => void reported.push(String(used.access_token)),
      };
      await run(provider(LIVE_ENV, stubs, broker), SEED, context);
      const [call] = stubs.calls;
      expect(call.accessToken).toBe('ya29.t1');
      expect(await call.renewToken!('ya29.t1')).toBe('ya29.t2');
      expect(reported).toEqual(['ya29.t2']);
      expect((await broker.exchange('ads', EXCHANGE))?.access_token).toBe('ya29.t2');
      expect(issued).toBe(2);
    });

    it('frees the budget claim when the deadline passes while Google refused the token and a new one is awaited', async () => {
      const broker = new TokenBroker();
      let issued = 0;
      broker.register('ads', {
        // The first token at once; the token endpoint then stalls.
        issue: (request) =>
          (issued += 1) === 1
            ? Promise.resolve({
                token_type: 'Bearer',
                access_token: 'ya29.t1',
                expires_in: 3600,
                scopes: request.scopes,
              })
            : new Promise(() => undefined),
      });
      const cached = await broker.exchange('ads', EXCHANGE);
      const stubs = new Stubs();
      // As the client does on a 401 refusing the token: renew it, and give up once the deadline has passed.
      stubs.answer = async () => {
        const call = stubs.calls[0];
        await call.renewToken!(call.accessToken);
        throw new Error('a renewal past the deadline never resolves');
      };
      const context = { ...ctx(cached!.access_token), deadline: createDeadline(50) };
      const late = run(provider(LIVE_ENV, stubs, broker), SEED, context);
      await expect(late).rejects.toBeInstanceOf(CredentialTimeoutException);
      await expect(late).rejects.toMatchObject({ status: 504, code: 'PROVIDER.TIMEOUT' });
      expect(stubs.events).toEqual(['reserve acme 1200000000', 'google', 'release 41']);
      expect(broker.credentialTimeoutOf(context.deadline)).toBeInstanceOf(CredentialTimeoutException);
      expect(issued).toBe(2);
    });

    it('answers 503 when the broker issued no access token', async () => {
      await expect(run(provider(LIVE_ENV), SEED)).rejects.toMatchObject({
        status: 503,
        code: 'PROVIDER.UNCONFIGURED',
      });
    });
  });

  describe('accounts granted per tenant (ADS_TENANT_CUSTOMER_IDS)', () => {
    const GRANTS = { ADS_TENANT_CUSTOMER_IDS: 'acme=234-567-8901|3456789012,beta=4567890123' };
    const LIVE_GRANTS = { ...LIVE_ENV, ...GRANTS };
    const denied = { status: 403, code: 'ADS.CUSTOMER_NOT_ALLOWED', errors: [{ pointer: '/customerId' }] };

    it("live: another tenant's account or GOOGLE_ADS_CUSTOMER_ID → 403, nothing claimed or sent", async () => {
      const stubs = new Stubs();
      for (const customerId of ['456-789-0123', '1234567890', '9999999999']) {
        for (const validate_only of [false, true]) {
          const call = run(
            provider(LIVE_GRANTS, stubs),
            { ...SEED, customerId, validate_only },
            ctx('ya29.a'),
          );
          await expect(call).rejects.toMatchObject({
            ...denied,
            extensions: { customer_id: customerId.replace(/-/g, '') },
          });
        }
      }
      expect(stubs.events).toEqual([]);
    });

    it("live: one of the tenant's accounts works; without customerId its first one", async () => {
      const stubs = new Stubs();
      await run(provider(LIVE_GRANTS, stubs), { ...SEED, customerId: '3456789012' }, ctx('ya29.a'));
      await run(provider(LIVE_GRANTS, stubs), SEED, ctx('ya29.a'));
      expect(stubs.plans.map((plan) => plan.customerId)).toEqual(['3456789012', '2345678901']);
    });

    it('live: without GOOGLE_ADS_CUSTOMER_ID set, a given account is still checked', async () => {
      const { GOOGLE_ADS_CUSTOMER_ID: _unused, ...withoutCustomer } = LIVE_GRANTS;
      const stubs = new Stubs();
      await expect(
        run(provider(withoutCustomer, stubs), { ...SEED, customerId: '4567890123' }, ctx('ya29.a')),
      ).rejects.toMatchObject(denied);
      expect(stubs.events).toEqual([]);
    });

    it('a tenant not listed may use the `*` accounts, else none', async () => {
      const other = (context: InvocationContext): InvocationContext => ({
        ...context,
        principal: { ...context.principal, tenant: 'gamma' },
      });
      const stubs = new Stubs();
      await expect(run(provider(LIVE_GRANTS, stubs), SEED, other(ctx('ya29.a')))).rejects.toMatchObject({
        status: 403,
        code: 'ADS.CUSTOMER_NOT_ALLOWED',
      });
      expect(stubs.events).toEqual([]);
      const open = { ...LIVE_ENV, ADS_TENANT_CUSTOMER_IDS: `${GRANTS.ADS_TENANT_CUSTOMER_IDS},*=5556667777` };
      await run(provider(open, stubs), SEED, other(ctx('ya29.a')));
      expect(stubs.plans.map((plan) => plan.customerId)).toEqual(['5556667777']);
    });

    it('admits a call to be held only for an account granted to the tenant; unconfigured live waits', () => {
      const refusal = (env: Record<string, string>, input: Record<string, unknown>, tenant = 'acme') => {
        try {
          provider(env).listTools()[0].admit!(input as never, { ...ctx().principal, tenant });
          return undefined;
        } catch (error) {
          return error;
        }
      };
      expect(refusal(LIVE_GRANTS, { ...SEED, customerId: '345-678-9012' })).toBeUndefined();
      expect(refusal(LIVE_GRANTS, SEED)).toBeUndefined();
      expect(refusal(GRANTS, { ...SEED, customerId: '4567890123' })).toMatchObject({
        ...denied,
        extensions: { customer_id: '4567890123' },
      });
      expect(refusal(LIVE_GRANTS, SEED, 'gamma')).toMatchObject({ status: 403 });
      // Live mode without its credentials answers 503 at execution; the hold does not pre-empt that.
      expect(refusal({ ADS_MODE: 'live' }, { ...SEED, customerId: '4567890123' })).toBeUndefined();
    });

    it('sandbox applies the same rule: 403 and nothing stored for an account not granted', async () => {
      const stubs = new Stubs();
      await expect(run(provider(GRANTS, stubs), { ...SEED, customerId: '4567890123' })).rejects.toMatchObject(
        denied,
      );
      await expect(
        run(provider({ GOOGLE_ADS_CUSTOMER_ID: '123-456-7890' }, stubs), {
          ...SEED,
          customerId: '5554443333',
        }),
      ).rejects.toMatchObject(denied);
      expect(stubs.events).toEqual([]);
      await run(provider(GRANTS, stubs), { ...SEED, customerId: '234-567-8901' });
      expect(stubs.plans.map((plan) => plan.customerId)).toEqual(['2345678901']);
    });
  });
});
