import { Test } from '@nestjs/testing';

import { TokenBroker } from '@toolgate/broker';
import {
  createDeadline,
  type InvocationContext,
  ProviderRegistry,
  ProviderRegistryModule,
} from '@toolgate/core';
import { runProviderContractSuite } from '@toolgate/testing';

import { PipedriveClient } from './pipedrive.client';
import { loadPipedriveConfig } from './pipedrive.config';
import { PipedriveProviderModule } from './pipedrive.module';
import { PipedriveProviderService } from './pipedrive-provider.service';
import { FakePipedrive } from './testing/fake-pipedrive.util';

const ctx = (toolId: string, accessToken?: string): InvocationContext => ({
  principal: { subject: 'agent-1', tenant: 'acme', roles: ['sales-write'], scopes: [], kind: 'jwt' },
  requestId: 'r1',
  toolId,
  deadline: createDeadline(5_000),
  credentials: accessToken
    ? { token_type: 'api_token', access_token: accessToken, expires_in: 300, scopes: [] }
    : undefined,
});

function provider(env: Record<string, string> = {}): PipedriveProviderService {
  const config = loadPipedriveConfig(env);
  return new PipedriveProviderService(new PipedriveClient(config), new TokenBroker(), config);
}

runProviderContractSuite(() => provider(), 'pipedrive provider: contract');

describe('pipedrive provider', () => {
  it('lists the four seed tools with Pipedrive field names, scopes and safety tags', () => {
    const tools = provider().listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['createDeal', 'getDeal', 'updateDeal', 'createContact']);
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(byName.createDeal.safety_tags).toEqual(['write']);
    expect(byName.updateDeal.safety_tags).toEqual(['write']);
    expect(byName.createContact.safety_tags).toEqual(['write']);
    expect(byName.getDeal.safety_tags).toEqual(['read-only']);
    expect(tools.every((tool) => tool.required_scopes.includes('pipedrive.write'))).toBe(true);
    expect(Object.keys(byName.createDeal.inputs.properties as object)).toEqual(
      expect.arrayContaining(['title', 'value', 'currency', 'person_id', 'org_id', 'stage_id', 'status']),
    );
    expect(byName.createContact.sensitive_fields).toEqual(['email', 'phone']);
  });

  it('answers 503 naming every missing variable when unconfigured', async () => {
    const host = provider();
    const tool = host.listTools()[0];
    await expect(host.invoke(tool, { title: 'x' }, ctx('pipedrive:createDeal'))).rejects.toMatchObject({
      status: 503,
      code: 'PROVIDER.UNCONFIGURED',
      extensions: { missing: ['PIPEDRIVE_API_TOKEN', 'PIPEDRIVE_COMPANY_DOMAIN (or PIPEDRIVE_BASE_URL)'] },
    });
    await expect(host.check()).resolves.toMatchObject({ status: 'unconfigured' });
  });

  it('builds the API root from the company domain, and prefers PIPEDRIVE_BASE_URL', () => {
    expect(loadPipedriveConfig({ PIPEDRIVE_COMPANY_DOMAIN: 'acme' }).baseUrl).toBe(
      'https://acme.pipedrive.com/api',
    );
    expect(
      loadPipedriveConfig({ PIPEDRIVE_COMPANY_DOMAIN: 'acme', PIPEDRIVE_BASE_URL: 'http://127.0.0.1:9/api/' })
        .baseUrl,
    ).toBe('http://127.0.0.1:9/api');
    expect(() => loadPipedriveConfig({ PIPEDRIVE_COMPANY_DOMAIN: 'acme.pipedrive.com' })).toThrow(
      /PIPEDRIVE_COMPANY_DOMAIN must be the company subdomain/,
    );
  });

  describe('tools against the fake', () => {
    const fake = new FakePipedrive('secret-token');
    let host: PipedriveProviderService;

    beforeAll(async () => {
      host = provider({ PIPEDRIVE_BASE_URL: await fake.start(), PIPEDRIVE_API_TOKEN: 'set' });
    });
    afterAll(() => fake.stop());

    const run = (name: string, input: Record<string, unknown>, token = 'secret-token') =>
      host.invoke(
        host.listTools().find((tool) => tool.name === name)!,
        input,
        ctx(`pipedrive:${name}`, token),
      );

    it('sends the brokered token, and labels bare e-mail addresses and phones the way Pipedrive expects', async () => {
      const person = await run('createContact', {
        name: 'Ada',
        email: ['ada@example.com', 'a@example.org'],
        phone: ['+1 555'],
      });
      expect(person).toMatchObject({ id: expect.any(Number), name: 'Ada' });
      expect(fake.requests.at(-1)?.body).toEqual({
        name: 'Ada',
        email: [
          { value: 'ada@example.com', primary: true, label: 'work' },
          { value: 'a@example.org', primary: false, label: 'work' },
        ],
        phone: [{ value: '+1 555', primary: true, label: 'work' }],
      });
      expect(fake.requests.at(-1)?.headers['x-api-token']).toBe('secret-token');
    });

    it('updateDeal sends only the fields, not the id', async () => {
      const deal = (await run('createDeal', { title: 'Deal' })) as { id: number };
      await run('updateDeal', { id: deal.id, status: 'won' });
      expect(fake.requests.at(-1)).toMatchObject({
        method: 'PUT',
        path: `/api/v1/deals/${deal.id}`,
        body: { status: 'won' },
      });
    });

    it('answers 503 naming the token when the broker issued no credential', async () => {
      await expect(
        host.invoke(host.listTools()[1], { id: 1 }, ctx('pipedrive:getDeal')),
      ).rejects.toMatchObject({ status: 503, extensions: { missing: ['PIPEDRIVE_API_TOKEN'] } });
    });
  });
});

describe('PipedriveProviderModule', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('is discovered under "pipedrive" and registers its token with the broker only when configured', async () => {
    process.env.PIPEDRIVE_API_TOKEN = 'module-token';
    process.env.PIPEDRIVE_COMPANY_DOMAIN = 'acme';
    const moduleRef = await Test.createTestingModule({
      imports: [ProviderRegistryModule, PipedriveProviderModule],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get(ProviderRegistry).keys()).toEqual(['pipedrive']);
    const broker = moduleRef.get(TokenBroker);
    const credential = await broker.exchange('pipedrive', {
      scopes: ['pipedrive.write'],
      subject: 's',
      tenant: 't',
      purpose: 'pipedrive:getDeal',
    });
    expect(credential).toMatchObject({ token_type: 'api_token', access_token: 'module-token' });
    await moduleRef.close();

    delete process.env.PIPEDRIVE_API_TOKEN;
    const unconfigured = await Test.createTestingModule({
      imports: [ProviderRegistryModule, PipedriveProviderModule],
    }).compile();
    await unconfigured.init();
    expect(unconfigured.get(TokenBroker).has('pipedrive')).toBe(false);
    expect(
      unconfigured
        .get(ProviderRegistry)
        .tools()
        .map((tool) => tool.toolId),
    ).toHaveLength(4);
    await unconfigured.close();
  });
});
