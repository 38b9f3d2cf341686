import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase, runSql } from '@toolgate/testing';

import { AuditEventEntity } from '../entities/audit-event.entity';
import { type AuditAnchor, loadOrCreateAnchorKey } from '../mirror/anchor.util';
import { anchorFileOf, dayFileName, JsonlMirror } from '../mirror/jsonl-mirror.util';
import { pending } from '../testing/audit-events.util';
import { GroupCommitWriter } from '../writer/group-commit.util';
import { verifyChains } from './all-chains.util';
import { latestAnchoredHeads } from './expected-heads.util';
import { type RowQuery } from './stored-chain.util';

const DAY = new Date('2026-11-21T12:00:00Z');

describe('audit:verify over every chain', () => {
  let url: string;
  let dataSource: DataSource;
  let pool: Pool;
  let dir: string;
  const query: RowQuery = (sql, params) => dataSource.query(sql, params);
  const worm = () => join(dir, 'worm');
  const key = () => loadOrCreateAnchorKey(join(dir, 'runtime'));

  beforeAll(async () => {
    url = await createTestDatabase('audit_all');
    dataSource = new DataSource(
      buildDataSourceOptions({ url, migrations: MIGRATIONS, entities: [AuditEventEntity] }),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    pool = new Pool({ connectionString: url, max: 2 });
    dir = mkdtempSync(join(tmpdir(), 'audit-all-'));
  });
  afterAll(async () => {
    await pool.end();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Five events each for `victim` and `other`, mirrored, then a signed shutdown anchor. */
  async function writeAndAnchor(): Promise<void> {
    const mirror = new JsonlMirror(worm(), key(), { log: () => undefined, error: () => undefined });
    await mirror.open();
    const writer = new GroupCommitWriter({
      connect: () => pool.connect(),
      committed: (tenant, events) => mirror.append(tenant, events),
      batchMax: 500,
      queueMax: 10_000,
      writeTimeoutMs: 10_000,
    });
    for (const tenant of ['victim', 'other']) {
      await Promise.all(Array.from({ length: 5 }, () => writer.append(pending({ tenant }))));
    }
    await mirror.close();
  }

  it('reports a chain deleted whole, which the anchors name but the database no longer lists', async () => {
    await writeAndAnchor();
    const verify = () => verifyChains(query, latestAnchoredHeads(worm(), key().publicKey));
    expect(Object.values(await verify()).every((report) => report.valid)).toBe(true);

    await runSql(
      url,
      `BEGIN; ALTER TABLE audit_events DISABLE TRIGGER USER; DELETE FROM audit_events WHERE tenant = 'victim';
       ALTER TABLE audit_events ENABLE TRIGGER USER; COMMIT`,
    );
    const reports = await verify();
    expect(Object.keys(reports)).toEqual(['other', 'victim']);
    expect(reports.other).toMatchObject({ valid: true, events_checked: 5 });
    expect(reports.victim).toMatchObject({ valid: false, events_checked: 0, first_invalid_seq: 1 });
    expect(reports.victim.reason).toMatch(/no events, but signed anchor .* records seq 5: it was removed/);
  });

  it('ignores tenants named only by anchors that are not validly signed', async () => {
    const forged: Partial<AuditAnchor> = {
      type: 'toolgate.audit.anchor',
      file: dayFileName(DAY),
      heads: { ghost: { seq: 3, hash: 'ab'.repeat(32) } },
      signature: 'AAAA',
    };
    appendFileSync(join(worm(), anchorFileOf(dayFileName(DAY))), `${JSON.stringify(forged)}\n`);
    const reports = await verifyChains(query, latestAnchoredHeads(worm(), key().publicKey));
    expect(Object.keys(reports)).not.toContain('ghost');
  });
});
