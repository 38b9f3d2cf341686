import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { McpServerEntity } from '../entities/mcp-server.entity';
import { McpToolEntity } from '../entities/mcp-tool.entity';
import { type McpServerSpec, sameRegistration } from '../mcp.types';
import { McpServerStore } from './mcp-server-store.service';

const registration = (url: string): McpServerSpec => ({
  name: 'crm',
  source: 'api',
  transport: 'streamable-http',
  url,
  args: [],
  env: {},
  auth: {
    type: 'oauth-client-credentials',
    token_url: 'https://id.example/token',
    client_id: 'c',
    secret_env: 'S',
  },
});

describe('McpServerStore (real Postgres)', () => {
  let dataSource: DataSource;
  let store: McpServerStore;

  beforeAll(async () => {
    const migration = MIGRATIONS.find((candidate) => candidate.name.startsWith('CreateMcpServers'));
    dataSource = new DataSource(
      buildDataSourceOptions({
        url: await createTestDatabase('mcpstore'),
        migrations: [migration!],
        entities: [McpServerEntity, McpToolEntity],
      }),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    store = new McpServerStore(dataSource);
  });
  afterAll(() => dataSource.destroy());

  it('answers a registration as every replica reads it, and a new one after a delete', async () => {
    const first = await store.insert(registration('https://a.example/mcp'), 'root');
    expect(first.registeredAt).toEqual(expect.any(String));
    expect(sameRegistration(first, (await store.find('crm'))!)).toBe(true);
    expect(sameRegistration(first, (await store.list())[0])).toBe(true);
    expect(await store.delete('crm')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await store.insert(registration('https://a.example/mcp'), 'root');
    expect(sameRegistration(again, (await store.find('crm'))!)).toBe(true);
    expect(sameRegistration(first, again)).toBe(false);
  });
});
