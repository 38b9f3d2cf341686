import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { ApiKeyEntity } from './api-key.entity';

describe('CreateApiKeys migration (real Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    const migration = MIGRATIONS.find((candidate) => candidate.name.startsWith('CreateApiKeys'));
    expect(migration).toBeDefined();
    dataSource = new DataSource(
      buildDataSourceOptions({
        url: await createTestDatabase('auth'),
        migrations: [migration!],
        entities: [ApiKeyEntity],
      }),
    );
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  const tableExists = async () =>
    (await dataSource.query(`SELECT to_regclass('public.api_keys') AS name`))[0].name !== null;

  it('creates a table that matches the entity exactly', async () => {
    await dataSource.runMigrations();
    expect(await tableExists()).toBe(true);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    const indexes = await dataSource.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'api_keys'`);
    expect(indexes.map((row: { indexname: string }) => row.indexname).sort()).toEqual([
      'IDX_api_keys_tenant_created_at',
      'PK_api_keys',
      'UQ_api_keys_lookup_id',
    ]);
  });

  it('refuses a hash that is not 32 bytes and a duplicate lookup id', async () => {
    const insert = (lookupId: string, hash: string) =>
      dataSource.query(
        `INSERT INTO api_keys (lookup_id, secret_hash, name, subject, tenant, created_by, expires_at)
         VALUES ($1, decode($2, 'hex'), 'n', 's', 't', 'c', now() + interval '1 day')`,
        [lookupId, hash],
      );
    await insert('0123456789abcdef', 'aa'.repeat(32));
    await expect(insert('0123456789abcdee', 'aa'.repeat(16))).rejects.toThrow(/CHK_api_keys_secret_hash/);
    await expect(insert('0123456789abcdef', 'bb'.repeat(32))).rejects.toThrow(/UQ_api_keys_lookup_id/);
  });

  it('reverts cleanly and applies again', async () => {
    await dataSource.undoLastMigration();
    expect(await tableExists()).toBe(false);
    await dataSource.runMigrations();
    expect(await tableExists()).toBe(true);
  });
});
