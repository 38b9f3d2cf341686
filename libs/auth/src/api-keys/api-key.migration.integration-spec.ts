import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { ApiKeyEntity } from './api-key.entity';

/** The api_keys migrations, and the audit table the parent link is backfilled from. */
const NAMES = ['CreateApiKeys', 'CreateAuditEvents', 'AddApiKeyParent'];

describe('api_keys migrations (real Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    const migrations = NAMES.map((name) => MIGRATIONS.find((candidate) => candidate.name.startsWith(name)));
    expect(migrations.every(Boolean)).toBe(true);
    dataSource = new DataSource(
      buildDataSourceOptions({
        url: await createTestDatabase('auth'),
        migrations: migrations as NonNullable<(typeof migrations)[number]>[],
        entities: [ApiKeyEntity],
      }),
    );
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  const tableExists = async () =>
    (await dataSource.query(`SELECT to_regclass('public.api_keys') AS name`))[0].name !== null;
  const insert = async (lookupId: string, hash = 'aa'.repeat(32), tenant = 't'): Promise<string> => {
    const rows = await dataSource.query(
      `INSERT INTO api_keys (lookup_id, secret_hash, name, subject, tenant, created_by, expires_at)
       VALUES ($1, decode($2, 'hex'), 'n', 's', $3, 'c', now() + interval '1 day') RETURNING id`,
      [lookupId, hash, tenant],
    );
    return rows[0].id;
  };

  it('creates a table that matches the entity exactly', async () => {
    await dataSource.runMigrations();
    expect(await tableExists()).toBe(true);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    const indexes = await dataSource.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'api_keys'`);
    expect(indexes.map((row: { indexname: string }) => row.indexname).sort()).toEqual([
      'IDX_api_keys_parent_key_id',
      'IDX_api_keys_tenant_created_at',
      'PK_api_keys',
      'UQ_api_keys_lookup_id',
    ]);
  });

  it('refuses a hash that is not 32 bytes, a duplicate lookup id and a parent that does not exist', async () => {
    await insert('0123456789abcdef');
    await expect(insert('0123456789abcdee', 'aa'.repeat(16))).rejects.toThrow(/CHK_api_keys_secret_hash/);
    await expect(insert('0123456789abcdef', 'bb'.repeat(32))).rejects.toThrow(/UQ_api_keys_lookup_id/);
    await expect(dataSource.query(`UPDATE api_keys SET parent_key_id = gen_random_uuid()`)).rejects.toThrow(
      /FK_api_keys_parent_key_id/,
    );
  });

  it('links keys minted by keys before it to their parent, from their api_keys.create events', async () => {
    await dataSource.undoLastMigration();
    const parent = await insert('1000000000000001');
    const child = await insert('1000000000000002');
    const byPerson = await insert('1000000000000003');
    const elsewhere = await insert('1000000000000004', 'aa'.repeat(32), 'other');
    const event = (seq: number, tenant: string, details: Record<string, unknown>) =>
      dataSource.query(
        `INSERT INTO audit_events (tenant, seq, ts, event, details, prev_hash, hash)
         VALUES ($1, $2, now(), 'api_keys.create', $3, repeat('0', 64), repeat('0', 64))`,
        [tenant, seq, JSON.stringify(details)],
      );
    await event(1, 't', { key_id: parent, actor_kind: 'jwt', actor_credential_id: 'jti-1' });
    await event(2, 't', { key_id: child, actor_kind: 'api_key', actor_credential_id: parent });
    await event(3, 't', { key_id: byPerson, actor_kind: 'jwt', actor_credential_id: child });
    await event(1, 'other', { key_id: elsewhere, actor_kind: 'api_key', actor_credential_id: parent });
    await dataSource.runMigrations();
    const rows = await dataSource.query(`SELECT id, parent_key_id FROM api_keys WHERE id = ANY($1)`, [
      [parent, child, byPerson, elsewhere],
    ]);
    const parentOf = Object.fromEntries(
      rows.map((row: Record<string, string>) => [row.id, row.parent_key_id]),
    );
    expect(parentOf).toEqual({ [parent]: null, [child]: parent, [byPerson]: null, [elsewhere]: null });
  });

  it('reverts cleanly and applies again', async () => {
    await dataSource.undoLastMigration();
    const columns = await dataSource.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys'`,
    );
    expect(columns.map((row: { column_name: string }) => row.column_name)).not.toContain('parent_key_id');
    await dataSource.undoLastMigration();
    await dataSource.undoLastMigration();
    expect(await tableExists()).toBe(false);
    await dataSource.runMigrations();
    expect(await tableExists()).toBe(true);
  });
});
