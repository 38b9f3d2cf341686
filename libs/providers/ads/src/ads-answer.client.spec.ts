import { TokenBroker } from '@toolgate/broker';
import { createDeadline, type DomainException } from '@toolgate/core';

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
const REQUEST = { scopes: ['ads.write'], subject: 's', tenant: 't', purpose: 'ads:createCampaign' };

const plan = makeCampaignPlan;

/** Google's answers the client must read with care, from a local fake speaking Google's contract. */
describe('GoogleAdsClient: answers it cannot take at face value', () => {
  const fake = new FakeGoogleAds();
  const saved = { ...process.env };
  let client: GoogleAdsClient;
  let broker: TokenBroker;
  let renewals: string[];

  /** A call with a token from the broker, renewed through it the way the campaign service does. */
  const call = async (ms = 5_000): Promise<GoogleAdsCall> => {
    const credential = await broker.exchange('ads', REQUEST);
    return {
      accessToken: credential!.access_token,
      deadline: createDeadline(ms),
      renewToken: async (rejected) => {
        renewals.push(rejected);
        broker.invalidate('ads', rejected);
        return (await broker.exchange('ads', REQUEST))?.access_token;
      },
    };
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (error: DomainException) => error,
    );

  beforeAll(async () => {
    const urls = await fake.start();
    Object.assign(process.env, SECRETS);
    broker = new TokenBroker();
    broker.register('ads', fakeGoogleAdsTokenSource(urls.tokenUrl));
    client = new GoogleAdsClient(
      loadAdsConfig({
        ...SECRETS,
        GOOGLE_ADS_DEVELOPER_TOKEN: CREDS.developerToken,
        GOOGLE_ADS_LOGIN_CUSTOMER_ID: CREDS.loginCustomerId,
        GOOGLE_ADS_BASE_URL: urls.baseUrl,
      }),
    );
  });
  afterAll(async () => {
    process.env = saved;
    await client.onApplicationShutdown();
    await fake.stop();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    renewals = [];
  });

  describe('a 2xx whose answer cannot be read or understood: 502 ADS.ANSWER_UNREADABLE, never retried', () => {
    const created = (id: string) => ({
      mutateOperationResponses: [
        { campaignBudgetResult: { resourceName: `customers/1234567890/campaignBudgets/${id}` } },
        { campaignResult: { resourceName: `customers/1234567890/campaigns/${id}` } },
      ],
    });
    it.each([
      ['a null result', { status: 200, body: { mutateOperationResponses: [null] } }, /shape of a mutate/],
      ['an object for the list', { status: 200, body: { mutateOperationResponses: { a: 1 } } }, /shape/],
      [
        'a resource name that is not a string',
        { status: 200, body: { mutateOperationResponses: [{ campaignResult: { resourceName: { x: 1 } } }] } },
        /unexpected form/,
      ],
      [
        "another account's campaign",
        {
          status: 200,
          body: {
            mutateOperationResponses: [{ campaignResult: { resourceName: 'customers/1/campaigns/2' } }],
          },
        },
        /unexpected form/,
      ],
      ['no created campaign', { status: 200, body: {} }, /did not name the created campaign/],
      ['not JSON', { status: 200, raw: '<html>ok</html>' }, /not JSON/],
      ['an empty body', { status: 204 }, /empty/],
      [
        'a body over 1 MiB',
        { status: 200, body: { ...created('7'), padding: 'x'.repeat(1_100_000) } },
        /exceeded the 1 MiB limit/,
      ],
      ['a body cut off', { status: 200, body: created('8'), cutAfter: 40 }, /connection was lost/],
    ])('%s', async (_label, reply, reason) => {
      fake.script(reply);
      const error = await failure(client.mutateCampaign(plan(), await call()));
      expect(error).toMatchObject({
        status: 502,
        code: 'ADS.ANSWER_UNREADABLE',
        extensions: { provider: 'ads', upstream_status: reply.status, customer_id: '1234567890' },
      });
      expect(error.detail).toMatch(reason);
      expect(error.detail).toMatch(/probably created in account 1234567890.*do not retry blindly/);
      expect(error.detail).not.toContain('xxxx');
      expect(fake.mutateRequests()).toHaveLength(1);
    });

    it('a dry run needs nothing from the answer: its 2xx is the verdict', async () => {
      fake.script({ status: 200, body: { mutateOperationResponses: [null] } });
      const validated = await client.mutateCampaign(plan({ validateOnly: true }), await call());
      expect(validated).toEqual({ budgetResourceName: null, campaignResourceName: null });
    });
  });

  describe("RESOURCE_EXHAUSTED with Google's retryDelay (GoogleAdsError.details.quotaErrorDetails)", () => {
    const exhausted = (retryDelay: string) => ({
      status: 429,
      body: {
        error: {
          code: 429,
          status: 'RESOURCE_EXHAUSTED',
          message: 'Resource has been exhausted (e.g. check quota).',
          details: [
            {
              '@type': 'type.googleapis.com/google.ads.googleads.v24.errors.GoogleAdsFailure',
              errors: [
                {
                  errorCode: { quotaError: 'RESOURCE_EXHAUSTED' },
                  message: 'Too many requests. Retry in 2 seconds.',
                  details: { quotaErrorDetails: { rateScope: 'ACCOUNT', rateName: 'Requests', retryDelay } },
                },
              ],
            },
          ],
        },
      },
    });

    it('waits the advised delay before the retry', async () => {
      fake.script(exhausted('2s'));
      const started = Date.now();
      await client.mutateCampaign(plan(), await call());
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_950);
      expect(fake.mutateRequests()).toHaveLength(2);
    });

    it('answers 503 with it as Retry-After at once when it would pass the deadline', async () => {
      fake.script(exhausted('120s'));
      const started = Date.now();
      const error = await failure(client.mutateCampaign(plan(), await call(20_000)));
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(error).toMatchObject({
        status: 503,
        headers: { 'retry-after': '120' },
        extensions: { retry_after_seconds: 120 },
      });
      expect(fake.mutateRequests()).toHaveLength(1);
    });
  });

  describe('401: Google refuses the access token', () => {
    it('drops the token from the broker and tries once more with a new one (nothing was applied)', async () => {
      const first = await call();
      fake.revokeTokens();
      const created = await client.mutateCampaign(plan(), first);
      expect(created.campaignResourceName).toMatch(/^customers\/1234567890\/campaigns\/\d+$/);
      expect(renewals).toEqual([first.accessToken]);
      const [refused, retried] = fake.mutateRequests();
      expect(refused.headers.authorization).toBe(`Bearer ${first.accessToken}`);
      expect(retried.headers.authorization).not.toBe(refused.headers.authorization);
      // The cache now holds the new token: the next call uses it without a token request.
      const tokens = fake.tokenRequests().length;
      expect(retried.headers.authorization).toBe(`Bearer ${(await call()).accessToken}`);
      expect(fake.tokenRequests()).toHaveLength(tokens);
    });

    it('tries only once: a new token refused too is the 502 naming the credentials', async () => {
      const refused = {
        status: 401,
        body: { error: { code: 401, status: 'UNAUTHENTICATED', message: 'Invalid credentials.' } },
      };
      fake.script(refused, refused);
      const error = await failure(client.mutateCampaign(plan(), await call()));
      expect(error).toMatchObject({ status: 502, extensions: { google_status: 'UNAUTHENTICATED' } });
      expect(renewals).toHaveLength(1);
      expect(fake.mutateRequests()).toHaveLength(2);
    });

    it('does not renew for a 401 naming something a new token would not change', async () => {
      fake.script({
        status: 401,
        body: {
          error: {
            code: 401,
            status: 'UNAUTHENTICATED',
            details: [{ errors: [{ errorCode: { authenticationError: 'NOT_ADS_USER' } }] }],
          },
        },
      });
      const error = await failure(client.mutateCampaign(plan(), await call()));
      expect(error).toMatchObject({ status: 502, extensions: { google_status: 'UNAUTHENTICATED' } });
      expect(renewals).toEqual([]);
      expect(fake.mutateRequests()).toHaveLength(1);
    });
  });
});
