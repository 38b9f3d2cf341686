import { FakePipedrive } from '@toolgate/provider-pipedrive';

import { catalogOf, type SeedGateway, startSeedGateway } from './support/seed-gateway';

const PROVIDER_TOKEN = 'pd-provider-own-token-42';
const PIPEDRIVE_TOOLS = [
  'pipedrive:createContact',
  'pipedrive:createDeal',
  'pipedrive:getDeal',
  'pipedrive:updateDeal',
];

const invoke = (sg: SeedGateway, who: string, toolId: string, body: unknown) =>
  sg.call(who, `/tools/${toolId}/invoke`, { method: 'POST', body });

describe('pipedrive provider (e2e over HTTP, against a local fake Pipedrive)', () => {
  const fake = new FakePipedrive(PROVIDER_TOKEN);
  let sg: SeedGateway;

  beforeAll(async () => {
    const baseUrl = await fake.start();
    process.env.PIPEDRIVE_API_TOKEN = PROVIDER_TOKEN; // read by the token broker at each exchange
    sg = await startSeedGateway({ PIPEDRIVE_BASE_URL: baseUrl, PIPEDRIVE_COMPANY_DOMAIN: undefined });
  });
  afterAll(async () => {
    await sg.close();
    delete process.env.PIPEDRIVE_API_TOKEN;
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('lists the pipedrive tools to sales-write, without confirmation, and to nobody else', async () => {
    const tools = (await catalogOf(sg, 'salesAgent')).filter((tool) => tool.provider_id === 'pipedrive');
    expect(tools.map((tool) => tool.toolId).sort()).toEqual(PIPEDRIVE_TOOLS);
    expect(tools.every((tool) => tool.requires_confirmation === false)).toBe(true);
    const finance = await catalogOf(sg, 'financeAgent');
    expect(finance.filter((tool) => tool.provider_id === 'pipedrive')).toEqual([]);
    expect((await invoke(sg, 'financeAgent', 'pipedrive:getDeal', { id: 1 })).status).toBe(403);
  });

  it("creates, updates and reads a deal with the provider's own token; the agent JWT never leaves", async () => {
    const created = await invoke(sg, 'salesAgent', 'pipedrive:createDeal', {
      title: 'ACME renewal',
      value: 12000,
      currency: 'EUR',
      expected_close_date: '2026-12-31',
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      toolId: 'pipedrive:createDeal',
      result: { id: expect.any(Number), title: 'ACME renewal', value: 12000, currency: 'EUR' },
      token_meta: { token_type: 'api_token', scopes: ['pipedrive.write'] },
    });
    const id = created.body.result.id as number;
    const updated = await invoke(sg, 'salesAgent', 'pipedrive:updateDeal', {
      id,
      stage_id: 4,
      status: 'won',
    });
    expect(updated.body.result).toMatchObject({ id, stage_id: 4, status: 'won' });
    const read = await invoke(sg, 'salesAgent', 'pipedrive:getDeal', { id });
    expect(read.body.result).toMatchObject({ id, title: 'ACME renewal', status: 'won' });

    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/deals',
      `PUT /api/v1/deals/${id}`,
      `GET /api/v1/deals/${id}`,
    ]);
    for (const request of fake.requests) {
      expect(request.headers['x-api-token']).toBe(PROVIDER_TOKEN);
      expect(request.headers.authorization).toBeUndefined();
      expect(request.query).toBe('');
      expect(JSON.stringify(request)).not.toContain(sg.tokens.salesAgent);
    }
    for (const answer of [created, updated, read]) expect(answer.text).not.toContain(PROVIDER_TOKEN);
    expect(sg.gw.logs.text()).not.toContain(PROVIDER_TOKEN);
  });

  it('creates a contact with labelled e-mail addresses', async () => {
    const contact = await invoke(sg, 'salesAgent', 'pipedrive:createContact', {
      name: 'Ada Lovelace',
      email: ['ada@example.com'],
      org_id: 7,
    });
    expect(contact.status).toBe(200);
    expect(fake.requests[0]).toMatchObject({
      path: '/api/v1/persons',
      body: {
        name: 'Ada Lovelace',
        org_id: 7,
        email: [{ value: 'ada@example.com', primary: true, label: 'work' }],
      },
    });
  });

  it('maps upstream errors: 404 stays 404, 400 → 422 with the message, 401 → 502, 5xx → 502', async () => {
    const missing = await invoke(sg, 'salesAgent', 'pipedrive:getDeal', { id: 424242 });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'PIPEDRIVE.NOT_FOUND', detail: 'Pipedrive: Deal not found' });

    fake.script({ status: 400, body: { success: false, error: 'Stage 99 does not exist.' } });
    const rejected = await invoke(sg, 'salesAgent', 'pipedrive:createDeal', { title: 'x', stage_id: 99 });
    expect(rejected.status).toBe(422);
    expect(rejected.body.detail).toBe('Pipedrive rejected the request: Stage 99 does not exist.');

    fake.script({ status: 401, body: { success: false, error: 'unauthorized access', errorCode: 401 } });
    const unauthorized = await invoke(sg, 'salesAgent', 'pipedrive:createDeal', { title: 'x' });
    expect(unauthorized.status).toBe(502);
    expect(unauthorized.body.detail).toContain('PIPEDRIVE_API_TOKEN');
    expect(unauthorized.text).not.toContain(PROVIDER_TOKEN);

    fake.reset();
    fake.script({ status: 503, body: { success: false, error: 'maintenance' } });
    const unavailable = await invoke(sg, 'salesAgent', 'pipedrive:createDeal', { title: 'never twice' });
    expect(unavailable.status).toBe(502);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a read through a transient 5xx and answers 200', async () => {
    const created = await invoke(sg, 'salesAgent', 'pipedrive:createDeal', { title: 'flaky' });
    fake.reset();
    fake.script({ status: 502, body: { success: false } });
    const read = await invoke(sg, 'salesAgent', 'pipedrive:getDeal', { id: created.body.result.id });
    expect(read.status).toBe(200);
    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('a created deal whose 201 answer cannot be read: one POST, 502 PIPEDRIVE.ANSWER_UNREADABLE', async () => {
    for (const spoil of ['oversize', 'cut'] as const) {
      fake.reset();
      fake.deals.clear();
      fake.script({ spoil });
      const answer = await invoke(sg, 'salesAgent', 'pipedrive:createDeal', { title: `ACME ${spoil}` });
      expect(fake.requests).toHaveLength(1);
      expect(fake.deals.size).toBe(1);
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ code: 'PIPEDRIVE.ANSWER_UNREADABLE', upstream_status: 201 });
      expect(answer.body.detail).toMatch(/deal was probably created.*do not retry/i);
      expect(answer.body.detail).not.toContain('could not be reached');
      expect(answer.text).not.toContain(PROVIDER_TOKEN);
      expect(answer.text).not.toContain('xxxxxxxx');
    }
    expect(sg.gw.logs.text()).not.toContain(PROVIDER_TOKEN);
    expect(sg.gw.logs.text()).not.toContain('xxxxxxxx');
  });

  it('a read whose answer is over the size limit is not retried: one GET, 502 saying so', async () => {
    const created = await invoke(sg, 'salesAgent', 'pipedrive:createDeal', { title: 'big' });
    fake.reset();
    fake.script({ spoil: 'oversize' }, { spoil: 'oversize' }, { spoil: 'oversize' });
    const read = await invoke(sg, 'salesAgent', 'pipedrive:getDeal', { id: created.body.result.id });
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
    expect(read.status).toBe(502);
    expect(read.body).toMatchObject({ code: 'PROVIDER.UPSTREAM_ERROR' });
    expect(read.body.detail).toMatch(/answer exceeded the 2 MB limit/);
  });

  it('validates arguments against the Pipedrive field schema before calling out (422)', async () => {
    const invalid = await invoke(sg, 'salesAgent', 'pipedrive:createDeal', { value: -1, status: 'maybe' });
    expect(invalid.status).toBe(422);
    const pointers = (invalid.body.errors as { pointer: string }[]).map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/title', '/value', '/status']));
    expect(fake.requests).toHaveLength(0);
  });
});

describe('pipedrive provider, unconfigured (e2e)', () => {
  let sg: SeedGateway;

  beforeAll(async () => {
    delete process.env.PIPEDRIVE_API_TOKEN;
    sg = await startSeedGateway({
      PIPEDRIVE_API_TOKEN: undefined,
      PIPEDRIVE_BASE_URL: undefined,
      PIPEDRIVE_COMPANY_DOMAIN: undefined,
    });
  });
  afterAll(() => sg.close());

  it('still lists the tools, and answers 503 naming the missing variables', async () => {
    const tools = (await catalogOf(sg, 'salesAgent')).map((tool) => tool.toolId);
    expect(tools).toEqual(expect.arrayContaining(PIPEDRIVE_TOOLS));
    const answer = await invoke(sg, 'salesAgent', 'pipedrive:createDeal', { title: 'x' });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      code: 'PROVIDER.UNCONFIGURED',
      missing: ['PIPEDRIVE_API_TOKEN', 'PIPEDRIVE_COMPANY_DOMAIN (or PIPEDRIVE_BASE_URL)'],
    });
    expect(answer.body.detail).toContain('PIPEDRIVE_API_TOKEN');
  });
});
