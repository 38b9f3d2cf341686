import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { McpServerEntity } from './entities/mcp-server.entity';
import { McpToolEntity } from './entities/mcp-tool.entity';

describe('CreateMcpServers migration (real Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    const migration = MIGRATIONS.find((candidate) => candidate.name.startsWith('CreateMcpServers'));
    expect(migration).toBeDefined();
    dataSource = new DataSource(
      buildDataSourceOptions({
        url: await createTestDatabase('mcp'),
        migrations: [migration!],
        entities: [McpServerEntity, McpToolEntity],
      }),
    );
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  const tables = async () =>
    (
      await dataSource.query(
        `SELECT to_regclass('public.mcp_servers') IS NOT NULL AS servers, to_regclass('public.mcp_tools') IS NOT NULL AS tools`,
      )
    )[0];

  it('creates tables that match the entities exactly', async () => {
    await dataSource.runMigrations();
    expect(await tables()).toEqual({ servers: true, tools: true });
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('refuses a stdio server without a command and an unknown tool status', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO mcp_servers (name, transport, url, auth, created_by) VALUES ('x', 'stdio', 'http://x', '{}', 'root')`,
      ),
    ).rejects.toThrow(/CHK_mcp_servers_target/);
    await expect(
      dataSource.query(
        `INSERT INTO mcp_tools (server_name, tool_name, status, current_hash, approved_hash, definition,
           approved_definition, approved_by, approved_at)
         VALUES ('x', 't', 'trusted', repeat('a', 64), repeat('a', 64), '{}', '{}', 'root', now())`,
      ),
    ).rejects.toThrow(/CHK_mcp_tools_status/);
  });

  it('reverts cleanly and applies again', async () => {
    await dataSource.undoLastMigration();
    expect(await tables()).toEqual({ servers: false, tools: false });
    await dataSource.runMigrations();
    expect(await tables()).toEqual({ servers: true, tools: true });
  });
});
