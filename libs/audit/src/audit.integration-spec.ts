import { randomBytes } from 'node:crypto';

import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase, runSql } from '@toolgate/testing';

import { type ChainHead } from './audit.types';
import { AuditEventEntity } from './entities/audit-event.entity';
import { pending } from './testing/audit-events.util';
import { checkExpectedHeads } from './verify/expected-heads.util';
import { type RowQuery, verifyStoredChain } from './verify/stored-chain.util';
import { GroupCommitWriter } from './writer/group-commit.util';

const REFUSED = /append-only/;

describe('audit_events on the real Postgres', () => {
  let url: string;
  let dataSource: DataSource;
  const pools: Pool[] = [];
  const query: RowQuery = (sql, params) => dataSource.query(sql, params);
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => runSql<T>(url, text, params);

  /** A writer as one gateway replica has it: its own pool, its own group commit. */
  function replica(): GroupCommitWriter {
    const pool = new Pool({ connectionString: url, max: 2 });
    pools.push(pool);
    return new GroupCommitWriter({
      connect: () => pool.connect(),
      committed: () => undefined,
      batchMax: 500,
      queueMax: 10_000,
      writeTimeoutMs: 10_000,
    });
  }

  async function fill(tenant: string, count: number): Promise<ChainHead> {
    const writer = replica();
    await Promise.all(
      Array.from({ length: count }, (_, i) => writer.append(pending({ tenant, request_id: `r${i}` }))),
    );
    return writer.headOf(tenant)!;
  }

  beforeAll(async () => {
    url = await createTestDatabase('audit');
    dataSource = new DataSource(
      buildDataSourceOptions({ url, migrations: MIGRATIONS, entities: [AuditEventEntity] }),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await dataSource.destroy();
  });

  describe('migration', () => {
    it('creates exactly what the entity describes', async () => {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      const ours = pending.upQueries.map((q) => q.query).filter((q) => q.includes('audit_events'));
      expect(ours).toEqual([]);
    });

    it('refuses UPDATE, DELETE and TRUNCATE, even to a superuser', async () => {
      await fill('trigger-su', 2);
      await expect(sql(`UPDATE audit_events SET subject = 'x' WHERE tenant = 'trigger-su'`)).rejects.toThrow(
        REFUSED,
      );
      await expect(sql(`DELETE FROM audit_events WHERE tenant = 'trigger-su'`)).rejects.toThrow(REFUSED);
      await expect(sql('TRUNCATE audit_events')).rejects.toThrow(REFUSED);
      // Statement-level: even an UPDATE matching no row is refused.
      await expect(sql(`UPDATE audit_events SET subject = 'x' WHERE false`)).rejects.toThrow(REFUSED);
      expect(await sql(`SELECT count(*)::int AS n FROM audit_events WHERE tenant = 'trigger-su'`)).toEqual([
        { n: 2 },
      ]);
    });

    it('refuses them to an application role holding every table privilege', async () => {
      const role = `audit_app_${randomBytes(4).toString('hex')}`;
      await sql(`CREATE ROLE ${role} LOGIN PASSWORD 'app-secret'`);
      try {
        await sql(`GRANT ALL ON audit_events TO ${role}`);
        const app = new URL(url);
        app.username = role;
        app.password = 'app-secret';
        const asApp = (text: string) => runSql(app.toString(), text);
        await asApp(`INSERT INTO audit_events (tenant, seq, ts, event, prev_hash, hash)
                     VALUES ('app-role', 1, now(), 'x', repeat('0', 64), repeat('a', 64))`);
        await expect(asApp(`UPDATE audit_events SET event = 'y'`)).rejects.toThrow(REFUSED);
        await expect(asApp(`DELETE FROM audit_events`)).rejects.toThrow(REFUSED);
        await expect(asApp('TRUNCATE audit_events')).rejects.toThrow(REFUSED);
      } finally {
        await sql(`REVOKE ALL ON audit_events FROM ${role}`);
        await sql(`DROP ROLE ${role}`);
      }
    });

    it('reverts cleanly (table and trigger function) and applies again', async () => {
      const scratch = new DataSource(
        buildDataSourceOptions({ url: await createTestDatabase('auditdown'), migrations: MIGRATIONS }),
      );
      await scratch.initialize();
      try {
        await scratch.runMigrations();
        const index = MIGRATIONS.findIndex((m) => m.name === 'CreateAuditEvents1795301048581');
        for (let i = index; i < MIGRATIONS.length; i += 1) await scratch.undoLastMigration();
        const left = await scratch.query(
          `SELECT to_regclass('public.audit_events') AS t, to_regproc('audit_events_refuse_change') AS f`,
        );
        expect(left).toEqual([{ t: null, f: null }]);
        await scratch.runMigrations();
      } finally {
        await scratch.destroy();
      }
    });
  });

  describe('concurrent appends', () => {
    it('8 writers (replicas) appending at once make one unforked, gap-free chain', async () => {
      const writers = Array.from({ length: 8 }, () => replica());
      // Three waves per writer: after the first, each one's cached head is stale (the others appended),
      // so the one-round-trip path collides on (tenant, seq) and falls back to reading the head under the lock.
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let wave = 0; wave < 3; wave += 1) {
            await Promise.all(
              Array.from({ length: 20 }, (_, i) =>
                writer.append(pending({ tenant: 'race', request_id: `w${w}-${wave}-${i}` })),
              ),
            );
          }
        }),
      );
      const rows = await sql<{ seq: string; prev_hash: string; hash: string }>(
        `SELECT seq, prev_hash, hash FROM audit_events WHERE tenant = 'race' ORDER BY seq`,
      );
      expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: 480 }, (_, i) => i + 1));
      expect(new Set(rows.map((row) => row.prev_hash)).size).toBe(480); // no two events share a parent: no fork
      expect(await verifyStoredChain(query, 'race', 100)).toMatchObject({
        valid: true,
        events_checked: 480,
        head: { seq: 480, hash: rows[479].hash },
      });
    });
  });

  describe('tampering (as a superuser with the trigger disabled) is detected', () => {
    const tamper = (text: string) =>
      sql(
        `BEGIN; ALTER TABLE audit_events DISABLE TRIGGER USER; ${text}; ALTER TABLE audit_events ENABLE TRIGGER USER; COMMIT`,
      );

    it('an edited event', async () => {
      await fill('t-edit', 6);
      await tamper(`UPDATE audit_events SET status = 'ok' WHERE tenant = 't-edit' AND seq = 4`);
      expect(await verifyStoredChain(query, 't-edit')).toMatchObject({
        valid: false,
        first_invalid_seq: 4,
        events_checked: 3,
      });
    });

    it('a deleted event', async () => {
      await fill('t-delete', 6);
      await tamper(`DELETE FROM audit_events WHERE tenant = 't-delete' AND seq = 3`);
      expect(await verifyStoredChain(query, 't-delete')).toMatchObject({
        valid: false,
        first_invalid_seq: 3,
      });
    });

    it('an inserted event (later ones renumbered)', async () => {
      await fill('t-insert', 6);
      await tamper(`UPDATE audit_events SET seq = seq + 1000 WHERE tenant = 't-insert' AND seq >= 3;
        UPDATE audit_events SET seq = seq - 999 WHERE tenant = 't-insert' AND seq > 1000;
        INSERT INTO audit_events (tenant, seq, ts, event, details, prev_hash, hash)
          SELECT tenant, 3, ts, 'tools.invoke', '{}', hash, repeat('f', 64) FROM audit_events
          WHERE tenant = 't-insert' AND seq = 2`);
      expect(await verifyStoredChain(query, 't-insert')).toMatchObject({
        valid: false,
        first_invalid_seq: 3,
      });
    });

    it('reordered events', async () => {
      await fill('t-order', 6);
      await tamper(`UPDATE audit_events SET seq = CASE seq WHEN 2 THEN 1002 ELSE 1003 END
          WHERE tenant = 't-order' AND seq IN (2, 3);
        UPDATE audit_events SET seq = CASE seq WHEN 1002 THEN 3 ELSE 2 END WHERE tenant = 't-order' AND seq > 1000`);
      expect(await verifyStoredChain(query, 't-order')).toMatchObject({ valid: false, first_invalid_seq: 2 });
    });

    it('a removed tail, against the head a writer or a signed anchor knows', async () => {
      const head = await fill('t-tail', 6);
      const expected = { ...head, source: 'the anchor' };
      const intact = await verifyStoredChain(query, 't-tail');
      expect(await checkExpectedHeads(query, 't-tail', intact, [expected])).toMatchObject({ valid: true });
      await tamper(`DELETE FROM audit_events WHERE tenant = 't-tail' AND seq >= 5`);
      const cut = await verifyStoredChain(query, 't-tail');
      expect(cut).toMatchObject({ valid: true, events_checked: 4 }); // the chain alone cannot tell
      expect(await checkExpectedHeads(query, 't-tail', cut, [expected])).toMatchObject({
        valid: false,
        first_invalid_seq: 5,
      });
    });
  });
});
