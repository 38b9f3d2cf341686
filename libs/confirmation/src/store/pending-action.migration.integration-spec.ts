import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { PendingActionEntity } from '../entities/pending-action.entity';

const NAME = 'AddPendingActionRequesterKey1796221337798';
const DECIDER_ROLES = MIGRATIONS.find((migration) =>
  /^AddPendingActionDeciderRoles/.test(migration.name),
)!.name;

describe('pending_actions migrations (real Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(
      buildDataSourceOptions({
        url: await createTestDatabase('actions'),
        migrations: MIGRATIONS,
        entities: [PendingActionEntity],
      }),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
  });
  afterAll(() => dataSource.destroy());

  /** Reverts migration `name` and every one after it. */
  const revertThrough = async (name: string) => {
    expect(MIGRATIONS.map((migration) => migration.name)).toContain(name);
    const later = MIGRATIONS.length - MIGRATIONS.findIndex((migration) => migration.name === name);
    for (let i = 0; i < later; i += 1) await dataSource.undoLastMigration();
  };
  const revertRequesterKey = () => revertThrough(NAME);
  const columns = async () =>
    (
      await dataSource.query(
        `SELECT column_name FROM information_schema.columns
          WHERE table_name = 'pending_actions' AND column_name LIKE 'requester_k%' ORDER BY column_name`,
      )
    ).map((row: { column_name: string }) => row.column_name);

  it('creates a table that matches the entity exactly', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    expect(await columns()).toEqual(['requester_key_created_by', 'requester_key_id', 'requester_kind']);
  });

  it('keeps actions held before it (no requester recorded) and refuses an unknown credential kind', async () => {
    await revertRequesterKey();
    expect(await columns()).toEqual([]);
    await dataSource.query(
      `INSERT INTO pending_actions (tenant, subject, tool_id, manifest_version, policy_version, payload_digest,
         token_hash, status, requires_approval, arguments, correlation_id, expires_at)
       VALUES ('acme', 'bot-7', 'test:destroy', 1, 'p1', repeat('a', 64), repeat('b', 64), 'pending', true,
         '{}', 'c1', now() + interval '5 minutes')`,
    );
    await dataSource.runMigrations();
    const [old] = await dataSource.query(
      `SELECT subject, requester_kind, requester_key_id, requester_key_created_by FROM pending_actions`,
    );
    expect(old).toEqual({
      subject: 'bot-7',
      requester_kind: null,
      requester_key_id: null,
      requester_key_created_by: null,
    });
    await expect(dataSource.query(`UPDATE pending_actions SET requester_kind = 'mtls'`)).rejects.toThrow(
      /chk_pending_actions_requester_kind/,
    );
  });

  it('records the roles of deciders from now on (null for actions decided before) and indexes finished actions', async () => {
    const decider = async () =>
      (
        await dataSource.query(
          `SELECT (SELECT count(*)::int FROM information_schema.columns
                    WHERE table_name = 'pending_actions' AND column_name = 'decided_by_roles') AS columns,
                  (SELECT count(*)::int FROM pg_indexes
                    WHERE indexname = 'ix_pending_actions_finished_expires_at') AS indexes`,
        )
      )[0];
    expect(await decider()).toEqual({ columns: 1, indexes: 1 });
    await revertThrough(DECIDER_ROLES);
    expect(await decider()).toEqual({ columns: 0, indexes: 0 });
    await dataSource.query(
      `INSERT INTO pending_actions (tenant, subject, tool_id, manifest_version, policy_version, payload_digest,
         token_hash, status, requires_approval, arguments, correlation_id, expires_at, decided_by, decided_at)
       VALUES ('acme', 'bob', 'test:destroy', 1, 'p1', repeat('a', 64), repeat('c', 64), 'approved', true,
         '{}', 'c2', now() + interval '5 minutes', 'carol', now())`,
    );
    await dataSource.runMigrations();
    expect(await decider()).toEqual({ columns: 1, indexes: 1 });
    const [approved] = await dataSource.query(
      `SELECT decided_by, decided_by_roles FROM pending_actions WHERE correlation_id = 'c2'`,
    );
    expect(approved).toEqual({ decided_by: 'carol', decided_by_roles: null });
  });
});
