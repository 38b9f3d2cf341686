import { TokenBroker } from '@toolgate/broker';
import { createDeadline, type DomainException } from '@toolgate/core';
import { waitUntil } from '@toolgate/testing';

import { GoogleAdsClient } from './ads.client';
import { loadAdsConfig } from './ads.config';
import { type GoogleAdsCall } from './ads.types';
import {
  FAKE_GOOGLE_ADS_CREDENTIALS as CREDS,
  FAKE_GOOGLE_ADS_SECRETS,
  FakeGoogleAds,
  fakeGoogleAdsTokenSource,
  makeCampaignPlan,
} from './testing/fake-google-ads.util';

const SECRETS = FAKE_GOOGLE_ADS_SECRETS;

const plan = makeCampaignPlan;

describe('GoogleAdsClient (against a local fake Google Ads + OAuth token endpoint)', () => {
  const fake = new FakeGoogleAds();
  const saved = { ...process.env };
  let urls: { baseUrl: string; tokenUrl: string };
  let broker: TokenBroker;
  const clients: GoogleAdsClient[] = [];

  const clientWith = (env: Record<string, string> = {}) => {
    const client = new GoogleAdsClient(
      loadAdsConfig({
        ...SECRETS,
        GOOGLE_ADS_DEVELOPER_TOKEN: CREDS.developerToken,
        GOOGLE_ADS_LOGIN_CUSTOMER_ID: CREDS.loginCustomerId,
        GOOGLE_ADS_BASE_URL: urls.baseUrl,
        ...env,
      }),
    );
    clients.push(client);
    return client;
  };
  const call = async (ms = 5_000): Promise<GoogleAdsCall> => {
    const credential = await broker.exchange('ads', {
      scopes: ['ads.write'],
      subject: 's',
      tenant: 't',
      purpose: 'p',
    });
    return { accessToken: credential!.access_token, deadline: createDeadline(ms) };
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (error: DomainException) => error,
    );

  beforeAll(async () => {
    urls = await fake.start();
    Object.assign(process.env, SECRETS);
    broker = new TokenBroker();
    broker.register('ads', fakeGoogleAdsTokenSource(urls.tokenUrl));
  });
  afterAll(async () => {
    process.env = saved;
    await Promise.all(clients.map((client) => client.onApplicationShutdown()));
    await fake.stop();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('creates budget + PAUSED campaign in one googleAds:mutate with the brokered token and Google headers', async () => {
    const created = await clientWith().mutateCampaign(plan({ name: 'LaunchX' }), await call());
    expect(created).toEqual({
      budgetResourceName: expect.stringMatching(/^customers\/1234567890\/campaignBudgets\/\d+$/),
      campaignResourceName: expect.stringMatching(/^customers\/1234567890\/campaigns\/\d+$/),
    });
    const [token] = fake.tokenRequests();
    expect(token.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: CREDS.refreshToken });
    const [mutate] = fake.mutateRequests();
    expect(mutate.path).toBe('/v24/customers/1234567890/googleAds:mutate');
    expect(mutate.headers.authorization).toBe('Bearer ya29.fake-access-1');
    expect(mutate.headers['developer-token']).toBe(CREDS.developerToken);
    expect(mutate.headers['login-customer-id']).toBe(CREDS.loginCustomerId);
    expect(mutate.body).toEqual({
      mutateOperations: [
        {
          campaignBudgetOperation: {
            create: {
              resourceName: 'customers/1234567890/campaignBudgets/-1',
              amountMicros: '1200000000',
              deliveryMethod: 'STANDARD',
              explicitlyShared: false,
            },
          },
        },
        {
          campaignOperation: {
            create: expect.objectContaining({
              name: 'LaunchX',
              status: 'PAUSED',
              advertisingChannelType: 'SEARCH',
              campaignBudget: 'customers/1234567890/campaignBudgets/-1',
              manualCpc: {},
              startDateTime: '2025-10-10 00:00:00',
              containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
            }),
          },
        },
      ],
      validateOnly: false,
    });
  });

  it('validateOnly checks both operations and creates nothing', async () => {
    const before = fake.campaigns.length;
    const created = await clientWith().mutateCampaign(plan({ validateOnly: true }), await call());
    expect(created).toEqual({ budgetResourceName: null, campaignResourceName: null });
    expect((fake.mutateRequests()[0].body as { validateOnly: boolean }).validateOnly).toBe(true);
    expect(fake.campaigns).toHaveLength(before);
  });

  it('speaks the configured API version (startDate before v23) and omits login-customer-id when unset', async () => {
    const client = clientWith({ GOOGLE_ADS_API_VERSION: 'v22', GOOGLE_ADS_LOGIN_CUSTOMER_ID: '' });
    await failure(client.mutateCampaign(plan(), await call()));
    const [mutate] = fake.mutateRequests();
    expect(mutate.path).toBe('/v22/customers/1234567890/googleAds:mutate');
    expect(mutate.headers['login-customer-id']).toBeUndefined();
    const body = mutate.body as {
      mutateOperations: { campaignOperation?: { create: Record<string, unknown> } }[];
    };
    expect(body.mutateOperations[1].campaignOperation?.create).toMatchObject({ startDate: '2025-10-10' });
  });

  describe('maps Google errors', () => {
    it('INVALID_ARGUMENT → 422 listing Google errors with the argument they concern', async () => {
      const client = clientWith();
      await client.mutateCampaign(plan({ name: 'Twice' }), await call());
      const error = await failure(client.mutateCampaign(plan({ name: 'Twice' }), await call()));
      expect(error).toMatchObject({
        status: 422,
        code: 'ADS.INVALID_ARGUMENT',
        errors: [
          { pointer: '/name', detail: expect.stringContaining('campaignError.DUPLICATE_CAMPAIGN_NAME') },
        ],
        extensions: { google_status: 'INVALID_ARGUMENT', google_request_id: 'fake-req-1' },
      });
    });

    it('UNAUTHENTICATED and PERMISSION_DENIED → 502 naming the gateway credentials', async () => {
      const badToken = { accessToken: 'ya29.revoked', deadline: createDeadline(5_000) };
      const unauthenticated = await failure(clientWith().mutateCampaign(plan(), badToken));
      expect(unauthenticated).toMatchObject({
        status: 502,
        extensions: { google_status: 'UNAUTHENTICATED' },
      });
      const denied = await failure(
        clientWith({ GOOGLE_ADS_LOGIN_CUSTOMER_ID: '9998887777' }).mutateCampaign(plan(), await call()),
      );
      expect(denied).toMatchObject({ status: 502, extensions: { google_status: 'PERMISSION_DENIED' } });
      expect(denied.detail).toMatch(/refused the gateway credentials.*GOOGLE_ADS_LOGIN_CUSTOMER_ID/);
    });

    it('an error body of unexpected shapes still maps to the status Google meant', async () => {
      const odd = [
        { error: { status: 'INVALID_ARGUMENT', details: 'not a list', message: 42 } },
        {
          error: {
            status: 'INVALID_ARGUMENT',
            details: [{ errors: [{ location: { fieldPathElements: 'x' } }] }],
          },
        },
        {
          error: { status: 7, details: [{ errors: [{ errorCode: 'dup', message: ['a'] }], requestId: {} }] },
        },
        {
          error: {
            status: 'INVALID_ARGUMENT',
            details: [{ errors: [{ location: { fieldPathElements: [{ fieldName: 'constructor' }] } }] }],
          },
        },
        ['not', 'an', 'object'],
      ];
      for (const body of odd) {
        fake.script({ status: 400, body });
        const error = await failure(clientWith().mutateCampaign(plan(), await call()));
        expect(error).toMatchObject({ status: 422, code: 'ADS.INVALID_ARGUMENT' });
        for (const violation of error.errors ?? []) expect(violation.pointer).toBe('');
      }
    });

    it('5xx → 502, and the mutate is never retried', async () => {
      fake.script({
        status: 500,
        body: { error: { code: 500, status: 'INTERNAL', message: 'Internal error.' } },
      });
      const error = await failure(clientWith().mutateCampaign(plan(), await call()));
      expect(error).toMatchObject({
        status: 502,
        code: 'PROVIDER.UPSTREAM_ERROR',
        extensions: { google_status: 'INTERNAL' },
      });
      expect(fake.mutateRequests()).toHaveLength(1);
    });

    it('a hung API stops at the deadline, without retry, and the connection is closed', async () => {
      fake.script('hang');
      fake.closedByClient = 0;
      const started = Date.now();
      await expect(clientWith().mutateCampaign(plan(), await call(300))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(fake.mutateRequests()).toHaveLength(1);
      await waitUntil(() => fake.closedByClient > 0, 10_000);
      expect(fake.closedByClient).toBe(1);
    });

    it('an unreachable API → 502 without retry', async () => {
      const closed = clientWith({ GOOGLE_ADS_BASE_URL: 'http://127.0.0.1:9' });
      await expect(closed.mutateCampaign(plan(), await call())).rejects.toMatchObject({
        status: 502,
        detail: 'Google Ads could not be reached.',
      });
    });
  });

  it('retries RESOURCE_EXHAUSTED after Retry-After, and gives up at once when it would pass the deadline', async () => {
    const exhausted = (retryAfter: string) => ({
      status: 429,
      headers: { 'retry-after': retryAfter },
      body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Too many requests.' } },
    });
    fake.script(exhausted('1'));
    const started = Date.now();
    await clientWith().mutateCampaign(plan(), await call());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.mutateRequests()).toHaveLength(2);

    fake.requests.length = 0;
    fake.script(exhausted('60'));
    const again = Date.now();
    // Waiting out the 60 s would run into the 20 s deadline: the answer comes long before either.
    const error = await failure(clientWith().mutateCampaign(plan(), await call(20_000)));
    expect(Date.now() - again).toBeLessThan(10_000);
    expect(error).toMatchObject({ status: 503, headers: { 'retry-after': '60' } });
    expect(fake.mutateRequests()).toHaveLength(1);
  });
});
