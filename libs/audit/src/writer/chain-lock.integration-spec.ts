import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { AuditEventEntity } from '../entities/audit-event.entity';
import { pending } from '../testing/audit-events.util';
import { appendToChain, chainTimeouts, lockStatement, type SqlSession } from './chain-append.util';
import { GroupCommitWriter } from './group-commit.util';

const WRITE_TIMEOUT_MS = 600;
const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: Error) => error.message,
  );

describe('the chain lock when its holder stops answering', () => {
  let url: string;
  let dataSource: DataSource;
  let pool: Pool;
  const peers: Client[] = [];

  beforeAll(async () => {
    url = await createTestDatabase('audit_lock');
    dataSource = new DataSource(
      buildDataSourceOptions({ url, migrations: MIGRATIONS, entities: [AuditEventEntity] }),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    pool = new Pool({ connectionString: url, max: 4 });
  });
  afterAll(async () => {
    await Promise.all(peers.map((peer) => peer.end().catch(() => undefined)));
    await pool.end();
    await dataSource.destroy();
  });

  const writer = () =>
    new GroupCommitWriter({
      connect: () => pool.connect(),
      committed: () => undefined,
      batchMax: 500,
      queueMax: 10_000,
      writeTimeoutMs: WRITE_TIMEOUT_MS,
    });

  async function peer(): Promise<Client> {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    peers.push(client);
    return client;
  }

  it('a flush waiting for the lock fails with the lock timeout and leaves the chain usable', async () => {
    const w = writer();
    await w.append(pending({ tenant: 'held' }));
    const holder = await peer();
    await holder.query(`BEGIN; ${lockStatement('held')}`);
    const started = Date.now();
    expect(await settle(w.append(pending({ tenant: 'held' })))).toMatch(/lock timeout/);
    expect(Date.now() - started).toBeLessThan(WRITE_TIMEOUT_MS);
    // Not stalled: the next flush tries again (and fails the same way) instead of failing fast forever.
    expect(await settle(w.append(pending({ tenant: 'held' })))).toMatch(/lock timeout/);
    const waiting = await dataSource.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    expect(waiting).toEqual([]);
    await holder.query('ROLLBACK');
    await expect(w.append(pending({ tenant: 'held' }))).resolves.toBeUndefined();
  });

  it('a writer that stops between reading the head and the INSERT loses the lock after the idle timeout', async () => {
    const w = writer();
    await w.append(pending({ tenant: 'dead' }));
    // Another replica takes the general path (BEGIN, lock, head), then its host dies: nothing more is sent.
    const dying = await peer();
    const terminated = new Promise<string>((resolve) => dying.on('error', (e) => resolve(e.message)));
    let sent = 0;
    const session: SqlSession = {
      query: (text) => (sent++ === 0 ? dying.query(text) : new Promise(() => undefined)),
    };
    void appendToChain(
      session,
      'dead',
      [pending({ tenant: 'dead' })],
      undefined,
      chainTimeouts(WRITE_TIMEOUT_MS),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const results: string[] = [];
    for (let i = 0; i < 8 && results.at(-1) !== 'ok'; i += 1) {
      results.push(await settle(w.append(pending({ tenant: 'dead' }))));
    }
    expect(results.at(-1)).toBe('ok');
    await expect(terminated).resolves.toMatch(/idle-in-transaction timeout/);
    expect(w.headOf('dead')?.seq).toBe(2);
  });
});
