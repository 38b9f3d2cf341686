import { Test } from '@nestjs/testing';

import {
  createDeadline,
  type InvocationContext,
  ProviderRegistry,
  ProviderRegistryModule,
} from '@toolgate/core';
import { runProviderContractSuite } from '@toolgate/testing';

import { DatabaseClient } from './database.client';
import { loadDatabaseToolsConfig } from './database.config';
import { DatabaseProviderModule } from './database.module';
import { DatabaseProviderService } from './database-provider.service';
import { SampleProvisioner } from './sample/sample-provisioner.service';

const ctx = (toolId: string, ms = 2_000): InvocationContext => ({
  principal: { subject: 's', tenant: 'public', roles: [], scopes: [], kind: 'jwt' },
  requestId: 'r',
  toolId,
  deadline: createDeadline(ms),
});

function unconfiguredProvider(env: Record<string, string> = {}): DatabaseProviderService {
  const config = loadDatabaseToolsConfig(env);
  const client = new DatabaseClient(config);
  return new DatabaseProviderService(client, new SampleProvisioner(client, config), config);
}

runProviderContractSuite(() => unconfiguredProvider(), 'database provider: contract');

describe('database provider', () => {
  let registry: ProviderRegistry;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ProviderRegistryModule, DatabaseProviderModule],
    }).compile();
    await moduleRef.init();
    registry = moduleRef.get(ProviderRegistry);
  });

  it('is discovered under "database" with its four tools, executeStatement destructive', () => {
    expect(registry.keys()).toEqual(['database']);
    expect(registry.tools().map((tool) => tool.toolId)).toEqual([
      'database:executeQuery',
      'database:executeStatement',
      'database:getSchema',
      'database:listTables',
    ]);
    const statement = registry.findTool('database:executeStatement')?.definition;
    expect(statement).toMatchObject({ safety_tags: ['destructive'], required_scopes: ['database.write'] });
    expect(registry.findTool('database:executeQuery')?.definition.safety_tags).toEqual(['read-only']);
  });

  it('without a gateway database or DATABASE_TOOLS_URL: tools listed, calls 503 naming the variable', async () => {
    for (const toolId of ['database:listTables', 'database:executeQuery']) {
      const input = toolId.endsWith('executeQuery') ? { sql: 'SELECT 1' } : {};
      await expect(registry.invoke(toolId, input, ctx(toolId))).rejects.toMatchObject({
        status: 503,
        code: 'PROVIDER.UNCONFIGURED',
        detail: expect.stringContaining('DATABASE_TOOLS_URL'),
      });
    }
    await expect(registry.checkAll()).resolves.toMatchObject({
      database: { status: 'unconfigured', detail: expect.stringContaining('DATABASE_TOOLS_URL') },
    });
  });

  it('with DATABASE_TOOLS_URL unreachable: 503 naming it; executeStatement names DATABASE_TOOLS_WRITE_URL', async () => {
    const provider = unconfiguredProvider({ DATABASE_TOOLS_URL: 'postgres://nobody:pw@127.0.0.1:1/none' });
    await provider.onApplicationBootstrap();
    const run = (name: string, sql = 'SELECT 1') =>
      provider.invoke(
        provider.listTools().find((tool) => tool.name === name)!,
        { sql },
        ctx(`database:${name}`),
      );
    const query = await run('executeQuery').catch((error: unknown) => error);
    expect(query).toMatchObject({ status: 503, detail: expect.stringContaining('DATABASE_TOOLS_URL') });
    expect((query as Error).message).not.toContain('127.0.0.1');
    await expect(run('executeStatement', 'DELETE FROM t')).rejects.toMatchObject({
      status: 503,
      detail: expect.stringContaining('DATABASE_TOOLS_WRITE_URL'),
    });
    await expect(provider.check()).resolves.toMatchObject({ status: 'down' });
    expect(provider.listTools()).toHaveLength(4);
  });

  it('never fails the boot when provisioning fails: tools 503 naming DATABASE_TOOLS_URL, no server detail', async () => {
    const config = loadDatabaseToolsConfig({});
    const client = new DatabaseClient(config);
    const provisioner = new SampleProvisioner(client, config);
    jest.spyOn(provisioner, 'provision').mockRejectedValue(new Error('connect ECONNREFUSED 10.0.0.9:5432'));
    const gatewayDatabase = { adminUrl: () => 'postgres://admin:pw@10.0.0.9:5432/toolgate' };
    const provider = new DatabaseProviderService(client, provisioner, config, gatewayDatabase as never);
    await expect(provider.onApplicationBootstrap()).resolves.toBeUndefined();
    const tool = provider.listTools().find((candidate) => candidate.name === 'listTables')!;
    const error = await provider.invoke(tool, {}, ctx('database:listTables')).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, detail: expect.stringContaining('DATABASE_TOOLS_URL') });
    expect(JSON.stringify(error)).not.toContain('10.0.0.9');
    await expect(provider.check()).resolves.toMatchObject({ status: 'unconfigured' });
  });

  it('answers 504 without touching the database when the deadline has already passed', async () => {
    const provider = unconfiguredProvider({ DATABASE_TOOLS_URL: 'postgres://nobody:pw@127.0.0.1:1/none' });
    await provider.onApplicationBootstrap();
    const tool = provider.listTools().find((candidate) => candidate.name === 'executeQuery')!;
    await expect(
      provider.invoke(tool, { sql: 'SELECT 1' }, ctx('database:executeQuery', 10)),
    ).rejects.toMatchObject({
      status: 504,
    });
  });
});
