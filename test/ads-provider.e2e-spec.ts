import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CatalogService } from '@toolgate/catalog';
import { FAKE_GOOGLE_ADS_CREDENTIALS as CREDS, FakeGoogleAds } from '@toolgate/provider-ads';
import { runSql, waitUntil } from '@toolgate/testing';

import { bearer } from './support/auth-fixtures';
import {
  type Answer,
  catalogOf,
  type Json,
  type SeedGateway,
  startSeedGateway,
} from './support/seed-gateway';

const SEED_ARGS = { name: 'LaunchX', budget: 1200, startDate: '2025-10-10' };
const NO_GOOGLE: Record<string, undefined> = {
  ADS_MODE: undefined,
  ADS_MAX_DAILY_BUDGET: undefined,
  ADS_TENANT_CUSTOMER_IDS: undefined,
  GOOGLE_ADS_CLIENT_ID: undefined,
  GOOGLE_ADS_CLIENT_SECRET: undefined,
  GOOGLE_ADS_REFRESH_TOKEN: undefined,
  GOOGLE_ADS_DEVELOPER_TOKEN: undefined,
  GOOGLE_ADS_LOGIN_CUSTOMER_ID: undefined,
  GOOGLE_ADS_CUSTOMER_ID: undefined,
};

/** The seed quickstart: invoke (202) → a finance approver approves → the requester confirms. */
async function createCampaign(
  sg: SeedGateway,
  args: Json = SEED_ARGS,
): Promise<{ held: Answer; confirmed: Answer }> {
  const held = await sg.call('financeAgent', '/tools/ads:createCampaign/invoke', {
    method: 'POST',
    body: args,
  });
  expect(held.status).toBe(202);
  expect(held.body).toMatchObject({
    requires_confirmation: true,
    action_id: expect.any(String),
    action_token: expect.any(String),
    expires_at: expect.any(String),
  });
  if (held.body.requires_approval) {
    const approved = await sg.call('financeApprover', `/actions/${held.body.action_id}/approve`, {
      method: 'POST',
      body: { reason: 'Budget checked.' },
    });
    expect(approved.status).toBe(200);
  }
  const confirmed = await sg.call('financeAgent', '/tools/ads:createCampaign/confirm', {
    method: 'POST',
    body: { action_token: held.body.action_token, ...args },
  });
  return { held, confirmed };
}

describe('ads provider, sandbox mode: the seed quickstart offline (e2e)', () => {
  let sg: SeedGateway;

  beforeAll(async () => {
    sg = await startSeedGateway({ ...NO_GOOGLE, ADS_MAX_DAILY_BUDGET: '2000' });
  });
  afterAll(() => sg.close());

  it('shows ads:createCampaign to finance-write as needing confirmation and approval', async () => {
    const tool = (await catalogOf(sg, 'financeAgent')).find((entry) => entry.toolId === 'ads:createCampaign');
    expect(tool).toMatchObject({
      requires_confirmation: true,
      requires_approval: true,
      safety_tags: expect.arrayContaining(['financial']),
    });
    expect((await catalogOf(sg, 'salesAgent')).map((entry) => entry.toolId)).not.toContain(
      'ads:createCampaign',
    );
  });

  it('invoke → 202, approve, confirm → 200 with mode "sandbox" and the campaign in the sandbox table', async () => {
    const { confirmed } = await createCampaign(sg);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.result).toMatchObject({
      mode: 'sandbox',
      validateOnly: false,
      campaign: {
        name: 'LaunchX',
        status: 'PAUSED',
        resourceName: expect.stringMatching(/^customers\/0000000000\/campaigns\/\d+$/),
      },
      budget: { amountMicros: '1200000000', dailyAmount: 1200 },
    });
    const rows = await runSql(
      sg.gw.databaseUrl,
      `SELECT tenant, subject, name, status, budget_amount_micros, start_date::text AS start_date FROM ads_sandbox_campaigns`,
    );
    expect(rows).toEqual([
      {
        tenant: 'acme',
        subject: 'financeAgent',
        name: 'LaunchX',
        status: 'PAUSED',
        budget_amount_micros: '1200000000',
        start_date: '2025-10-10',
      },
    ]);
  });

  it("denies a campaign over the tenant's daily ceiling with 403 ADS.BUDGET_CEILING, storing nothing", async () => {
    const { confirmed } = await createCampaign(sg, { ...SEED_ARGS, name: 'Too much', budget: 900 });
    expect(confirmed.status).toBe(403);
    expect(confirmed.body).toMatchObject({
      code: 'ADS.BUDGET_CEILING',
      ceiling: 2000,
      requested: 900,
      committed_today: 1200,
    });
    const rows = await runSql(
      sg.gw.databaseUrl,
      `SELECT name FROM ads_sandbox_campaigns WHERE name = 'Too much'`,
    );
    expect(rows).toEqual([]);
  });

  it('denies an account not granted to the tenant with 403 ADS.CUSTOMER_NOT_ALLOWED before anyone approves', async () => {
    const refused = await sg.call('financeAgent', '/tools/ads:createCampaign/invoke', {
      method: 'POST',
      body: { ...SEED_ARGS, name: 'Elsewhere', budget: 10, customerId: '123-456-7890' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'ADS.CUSTOMER_NOT_ALLOWED', customer_id: '1234567890' });
    // Nothing was held for the approver, stored or run; the refusal is in the audit trail.
    const held = await runSql(
      sg.gw.databaseUrl,
      `SELECT id FROM pending_actions WHERE arguments->>'name' = 'Elsewhere'`,
    );
    expect(held).toEqual([]);
    const rows = await runSql(
      sg.gw.databaseUrl,
      `SELECT name FROM ads_sandbox_campaigns WHERE name = 'Elsewhere'`,
    );
    expect(rows).toEqual([]);
    let denials: { status: string; details: Json }[] = [];
    await waitUntil(async () => {
      denials = await runSql(
        sg.gw.databaseUrl,
        `SELECT status, details FROM audit_events WHERE event = 'tools.deny' AND request_id = $1`,
        [refused.headers.get('x-request-id')],
      );
      return denials.length > 0;
    });
    expect(denials).toEqual([
      {
        status: '403',
        details: { denied_by: 'provider', provider_id: 'ads', code: 'ADS.CUSTOMER_NOT_ALLOWED' },
      },
    ]);
  });
});

/** The OAuth client of the fake, as the token broker reads it from the environment at each exchange. */
const secrets = {
  GOOGLE_ADS_CLIENT_ID: CREDS.clientId,
  GOOGLE_ADS_CLIENT_SECRET: CREDS.clientSecret,
  GOOGLE_ADS_REFRESH_TOKEN: CREDS.refreshToken,
};

describe('ads provider, live mode against a local fake Google Ads (e2e)', () => {
  const fake = new FakeGoogleAds();
  let sg: SeedGateway;

  beforeAll(async () => {
    const { baseUrl, tokenUrl } = await fake.start();
    Object.assign(process.env, secrets); // read by the token broker at each exchange
    sg = await startSeedGateway({
      ...NO_GOOGLE,
      ...secrets,
      GOOGLE_ADS_DEVELOPER_TOKEN: CREDS.developerToken,
      GOOGLE_ADS_LOGIN_CUSTOMER_ID: CREDS.loginCustomerId,
      GOOGLE_ADS_CUSTOMER_ID: '123-456-7890',
      ADS_TENANT_CUSTOMER_IDS: 'acme=123-456-7890|234-567-8901, beta=3456789012',
      GOOGLE_ADS_BASE_URL: baseUrl,
      GOOGLE_ADS_TOKEN_URL: tokenUrl,
      ADS_MAX_DAILY_BUDGET: '1500',
    });
  });
  afterAll(async () => {
    await sg.close();
    for (const name of Object.keys(secrets)) delete process.env[name];
    await fake.stop();
  });

  it('creates the campaign in Google Ads with the brokered access token and says mode "live"', async () => {
    const { confirmed } = await createCampaign(sg);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.result).toMatchObject({
      mode: 'live',
      customerId: '1234567890',
      campaign: {
        status: 'PAUSED',
        resourceName: expect.stringMatching(/^customers\/1234567890\/campaigns\/\d+$/),
      },
      budget: { resourceName: expect.stringMatching(/^customers\/1234567890\/campaignBudgets\/\d+$/) },
    });
    expect(confirmed.body.token_meta).toMatchObject({ token_type: 'Bearer' });
    expect(fake.tokenRequests()).toHaveLength(1);
    const [mutate] = fake.mutateRequests();
    expect(mutate.path).toBe('/v24/customers/1234567890/googleAds:mutate');
    expect(mutate.headers).toMatchObject({
      authorization: 'Bearer ya29.fake-access-1',
      'developer-token': CREDS.developerToken,
      'login-customer-id': CREDS.loginCustomerId,
    });
    const create = (mutate.body as Json).mutateOperations;
    expect(create[0].campaignBudgetOperation.create.amountMicros).toBe('1200000000');
    expect(create[1].campaignOperation.create.status).toBe('PAUSED');
    for (const request of fake.requests) {
      for (const token of Object.values(sg.tokens)) expect(JSON.stringify(request)).not.toContain(token);
    }
    expect(confirmed.text).not.toContain('ya29.');
    expect(sg.gw.logs.text()).not.toContain('ya29.');
    expect(sg.gw.logs.text()).not.toContain(CREDS.refreshToken);
  });

  it('validate_only dry-runs through Google (validateOnly: true), creates nothing, reuses the cached token', async () => {
    const before = fake.campaigns.length;
    const { confirmed } = await createCampaign(sg, {
      ...SEED_ARGS,
      name: 'Dry run',
      budget: 100,
      validate_only: true,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.result).toMatchObject({
      mode: 'live',
      validateOnly: true,
      campaign: { resourceName: null },
    });
    expect((fake.mutateRequests().at(-1)!.body as Json).validateOnly).toBe(true);
    expect(fake.campaigns).toHaveLength(before);
    expect(fake.tokenRequests()).toHaveLength(1);
  });

  it('maps Google INVALID_ARGUMENT to 422 and frees the budget it had claimed', async () => {
    const { confirmed } = await createCampaign(sg, { ...SEED_ARGS, budget: 200 });
    expect(confirmed.status).toBe(422);
    expect(confirmed.body).toMatchObject({ code: 'ADS.INVALID_ARGUMENT', google_status: 'INVALID_ARGUMENT' });
    expect(confirmed.body.errors[0]).toMatchObject({ pointer: '/name' });
    const claims = await runSql(
      sg.gw.databaseUrl,
      `SELECT amount_micros FROM ads_budget_reservations WHERE mode = 'live'`,
    );
    expect(claims).toEqual([{ amount_micros: '1200000000' }]);
  });

  it('denies what would pass the daily ceiling before calling Google (403)', async () => {
    const calls = fake.mutateRequests().length;
    const { confirmed } = await createCampaign(sg, { ...SEED_ARGS, name: 'Second', budget: 400 });
    expect(confirmed.status).toBe(403);
    expect(confirmed.body.code).toBe('ADS.BUDGET_CEILING');
    expect(fake.mutateRequests()).toHaveLength(calls);
  });

  it("denies another tenant's account, or the manager's, with 403 before Google is called", async () => {
    const calls = fake.mutateRequests().length;
    for (const customerId of ['345-678-9012', CREDS.loginCustomerId]) {
      for (const validate_only of [false, true]) {
        const refused = await sg.call('financeAgent', '/tools/ads:createCampaign/invoke', {
          method: 'POST',
          body: { ...SEED_ARGS, name: `Not ours ${customerId}`, budget: 10, customerId, validate_only },
        });
        expect(refused.status).toBe(403);
        expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(refused.body).toMatchObject({
          code: 'ADS.CUSTOMER_NOT_ALLOWED',
          customer_id: customerId.replace(/-/g, ''),
          errors: [{ pointer: '/customerId' }],
        });
      }
    }
    expect(fake.mutateRequests()).toHaveLength(calls);
    const claims = await runSql(
      sg.gw.databaseUrl,
      `SELECT count(*)::int AS n FROM ads_budget_reservations WHERE amount_micros = 10000000`,
    );
    expect(claims).toEqual([{ n: 0 }]);
  });

  it("creates the campaign in another of the tenant's accounts", async () => {
    const { confirmed } = await createCampaign(sg, {
      ...SEED_ARGS,
      name: 'Second account',
      budget: 50,
      customerId: '234-567-8901',
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.result).toMatchObject({
      mode: 'live',
      customerId: '2345678901',
      campaign: { resourceName: expect.stringMatching(/^customers\/2345678901\/campaigns\/\d+$/) },
    });
    expect(fake.mutateRequests().at(-1)!.path).toBe('/v24/customers/2345678901/googleAds:mutate');
  });

  it('renews an access token Google stopped accepting and creates the campaign with the new one', async () => {
    const tokens = fake.tokenRequests().length;
    const calls = fake.mutateRequests().length;
    fake.revokeTokens();
    const { confirmed } = await createCampaign(sg, { ...SEED_ARGS, name: 'After revocation', budget: 10 });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.result).toMatchObject({ mode: 'live', campaign: { name: 'After revocation' } });
    const [refused, retried] = fake.mutateRequests().slice(calls);
    expect(refused.headers.authorization).toBe('Bearer ya29.fake-access-1');
    expect(retried.headers.authorization).toBe(`Bearer ya29.fake-access-${tokens + 1}`);
    expect(fake.tokenRequests()).toHaveLength(tokens + 1);
    // The next call gets the new token from the cache, not the refused one.
    const { confirmed: next } = await createCampaign(sg, { ...SEED_ARGS, name: 'Cached again', budget: 10 });
    expect(next.status).toBe(200);
    expect(fake.mutateRequests().at(-1)!.headers.authorization).toBe(retried.headers.authorization);
    expect(fake.tokenRequests()).toHaveLength(tokens + 1);
  });

  it('answers 502 ADS.ANSWER_UNREADABLE when Google accepted the mutate but its answer is unusable, keeping the claim', async () => {
    const calls = fake.mutateRequests().length;
    fake.script({ status: 200, body: { mutateOperationResponses: [null] } });
    const { confirmed } = await createCampaign(sg, { ...SEED_ARGS, name: 'Unreadable', budget: 20 });
    expect(confirmed.status).toBe(502);
    expect(confirmed.body).toMatchObject({ code: 'ADS.ANSWER_UNREADABLE', upstream_status: 200 });
    expect(confirmed.body.detail).toMatch(/probably created .* do not retry blindly/);
    expect(fake.mutateRequests()).toHaveLength(calls + 1);
    const claims = await runSql(
      sg.gw.databaseUrl,
      `SELECT status FROM ads_budget_reservations WHERE mode = 'live' AND amount_micros = 20000000`,
    );
    expect(claims).toEqual([{ status: 'reserved' }]);
  });
});

/** Campaigns without confirmation, so a call runs on its invoke, under its Idempotency-Key. */
const UNCONFIRMED_ADS_POLICY = `version: 1
roles:
  finance-write: ['ads.write', 'tools.invoke:write']
  finance-approver: ['actions.approve']
  sales-write: []
  data-analyst: []
rules:
  - id: invoke-ads-create
    effect: allow
    when:
      action: tools.invoke
      resource.toolId: 'ads:createCampaign'
`;

/** The broker's 504 for a call whose deadline passed while it waited for its token: nothing was sent. */
function expectSafeToRetry(late: { status: number; body: unknown }): void {
  expect(late.status).toBe(504);
  expect(late.body).toMatchObject({
    code: 'PROVIDER.TIMEOUT',
    detail: expect.stringMatching(/waiting for the credentials of provider ads, .* safe to retry/),
    request_id: expect.any(String),
  });
}

describe('ads provider, live mode: a token endpoint that stalls past the deadline (e2e)', () => {
  const fake = new FakeGoogleAds();
  let policyDir: string;
  let sg: SeedGateway;

  const invoke = async (args: Json, key: string): Promise<Answer> => {
    const response = await sg.gw.request('/tools/ads:createCampaign/invoke', {
      method: 'POST',
      headers: {
        ...bearer(sg.tokens.financeAgent),
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(args),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as Json, headers: response.headers, text };
  };
  const storedKey = (key: string) =>
    runSql(sg.gw.databaseUrl, 'SELECT status FROM idempotency_keys WHERE key = $1', [key]);
  const claimsOf = (micros: number) =>
    runSql(sg.gw.databaseUrl, 'SELECT status FROM ads_budget_reservations WHERE amount_micros = $1', [
      String(micros),
    ]);

  beforeAll(async () => {
    const { baseUrl, tokenUrl } = await fake.start();
    Object.assign(process.env, secrets); // read by the token broker at each exchange
    policyDir = mkdtempSync(join(tmpdir(), 'toolgate-ads-policy-'));
    writeFileSync(join(policyDir, 'policies.yml'), UNCONFIRMED_ADS_POLICY);
    sg = await startSeedGateway({
      ...NO_GOOGLE,
      ...secrets,
      POLICY_FILE: join(policyDir, 'policies.yml'),
      GOOGLE_ADS_DEVELOPER_TOKEN: CREDS.developerToken,
      GOOGLE_ADS_LOGIN_CUSTOMER_ID: CREDS.loginCustomerId,
      GOOGLE_ADS_CUSTOMER_ID: '123-456-7890',
      GOOGLE_ADS_BASE_URL: baseUrl,
      GOOGLE_ADS_TOKEN_URL: tokenUrl,
    });
    // A 1.5 s deadline instead of 30 s, as an operator's edit of the stored manifest (the manifest API
    // refuses provider tools), so the deadline passes well before the token request gives up (10 s).
    await runSql(
      sg.gw.databaseUrl,
      `UPDATE manifests SET manifest = jsonb_set(manifest, '{timeout_ms}', '1500'), source = 'admin'
        WHERE tool_id = 'ads:createCampaign'`,
    );
    await sg.gw.app.get(CatalogService).reload();
  });
  afterAll(async () => {
    fake.answerTokens();
    await sg.close();
    for (const name of Object.keys(secrets)) delete process.env[name];
    await fake.stop();
    rmSync(policyDir, { recursive: true, force: true });
  });

  it('answers 504 saying a retry is safe while the first token is awaited, and frees the key for it', async () => {
    fake.holdTokens();
    const args = { ...SEED_ARGS, name: 'Token stalled', budget: 10 };
    const late = await invoke(args, 'stalled-token');
    expectSafeToRetry(late);
    expect(fake.tokenRequests()).toHaveLength(1);
    expect(fake.mutateRequests()).toHaveLength(0);
    expect(await storedKey('stalled-token')).toEqual([]);
    // The token request goes on and fills the cache once answered; the retry with the same key runs.
    fake.answerTokens();
    const retried = await invoke(args, 'stalled-token');
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(fake.mutateRequests()).toHaveLength(1);
    expect(fake.tokenRequests()).toHaveLength(1);
  });

  it('answers 504 saying a retry is safe when the deadline passes while a refused token is renewed, keeping neither the key nor the budget claim', async () => {
    fake.revokeTokens();
    fake.holdTokens();
    const args = { ...SEED_ARGS, name: 'Renewal stalled', budget: 20 };
    const late = await invoke(args, 'stalled-renewal');
    expectSafeToRetry(late);
    // Google refused the only mutate sent (401): nothing was created, so nothing is kept as "may have run".
    const [refused] = fake.mutateRequests().slice(1);
    expect(refused.headers.authorization).toBe('Bearer ya29.fake-access-1');
    expect(fake.mutateRequests()).toHaveLength(2);
    expect(await storedKey('stalled-renewal')).toEqual([]);
    // Released before the 504 left: the retry it invites does not meet it.
    expect(await claimsOf(20_000_000)).toEqual([]);
    fake.answerTokens();
    const retried = await invoke(args, 'stalled-renewal');
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(fake.mutateRequests().at(-1)!.headers.authorization).toBe('Bearer ya29.fake-access-2');
    expect(fake.campaigns.filter((campaign) => campaign.name === 'Renewal stalled')).toHaveLength(1);
    expect(await claimsOf(20_000_000)).toEqual([{ status: 'committed' }]);
  });
});

describe('ads provider, ADS_MODE=live without credentials (e2e)', () => {
  let sg: SeedGateway;

  beforeAll(async () => {
    sg = await startSeedGateway({ ...NO_GOOGLE, ADS_MODE: 'live' });
  });
  afterAll(() => sg.close());

  it('keeps the tool listed and answers 503 naming the missing variables at execution', async () => {
    expect((await catalogOf(sg, 'financeAgent')).map((tool) => tool.toolId)).toContain('ads:createCampaign');
    const { confirmed } = await createCampaign(sg);
    expect(confirmed.status).toBe(503);
    expect(confirmed.body).toMatchObject({
      code: 'PROVIDER.UNCONFIGURED',
      missing: [
        'GOOGLE_ADS_CLIENT_ID',
        'GOOGLE_ADS_CLIENT_SECRET',
        'GOOGLE_ADS_REFRESH_TOKEN',
        'GOOGLE_ADS_DEVELOPER_TOKEN',
      ],
    });
  });
});
