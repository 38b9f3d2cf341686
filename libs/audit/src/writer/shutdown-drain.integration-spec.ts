import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase, runSql } from '@toolgate/testing';

import { type AuditConfig } from '../audit.config';
import { AuditEventEntity } from '../entities/audit-event.entity';
import { pending } from '../testing/audit-events.util';
import { AuditWriterService } from './audit-writer.service';
import { unwrittenFileName } from './unwritten-events.util';

const LATE = 200;

/**
 * Nest's shutdown as the audit writer lives it: `beforeApplicationShutdown` drains the queue, the HTTP
 * server closes (requests answered meanwhile queue events nobody awaits: a 401, a 429), then a shutdown hook
 * destroys the data source (TypeORM's, or the embedded database's before it stops Postgres), then the audit
 * module's own `onApplicationShutdown` runs.
 */
describe('audit events queued after the shutdown drain', () => {
  let url: string;
  let dataSource: DataSource;
  let dir: string;
  const errors: unknown[] = [];

  beforeAll(async () => {
    url = await createTestDatabase('audit_drain');
    dataSource = new DataSource(
      buildDataSourceOptions({ url, migrations: MIGRATIONS, entities: [AuditEventEntity] }),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    dir = mkdtempSync(join(tmpdir(), 'toolgate-audit-drain-'));
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void errors.push(message));
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every event accepted before the pool closes, and keeps the later ones on disk, said so', async () => {
    const config: AuditConfig = {
      enabled: true,
      wormDir: join(dir, 'worm'),
      runtimeDir: join(dir, 'runtime'),
      batchMax: 50,
      queueMax: 10_000,
      writeTimeoutMs: 5_000,
    };
    const writer = new AuditWriterService(config, dataSource);
    await writer.onModuleInit();
    await writer.append(pending({ tenant: 'drain', request_id: 'before' }));
    await writer.beforeApplicationShutdown();

    const outcomes: string[] = [];
    const late = Array.from({ length: LATE }, (_, i) =>
      writer.append(pending({ tenant: i % 2 ? 'drain' : '_gateway', request_id: `late-${i}` })).then(
        () => void outcomes.push('ok'),
        (error: Error) => void outcomes.push(error.message),
      ),
    );
    await dataSource.destroy();
    const afterClose = await writer.append(pending({ tenant: 'drain', request_id: 'after-close' })).then(
      () => 'ok',
      (error: Error) => error.message,
    );
    await writer.onApplicationShutdown();
    await Promise.all(late);

    expect(outcomes).toEqual(Array.from({ length: LATE }, () => 'ok'));
    const [{ n }] = await runSql<{ n: number }>(
      url,
      `SELECT count(*)::int AS n FROM audit_events WHERE request_id LIKE 'late-%'`,
    );
    expect(n).toBe(LATE);

    // Once the pool is gone, an event is refused, kept in the WORM directory and logged as not stored.
    expect(afterClose).toMatch(/pool is closed/);
    const file = join(config.wormDir, unwrittenFileName(new Date()));
    const kept = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(kept).toEqual([
      expect.objectContaining({ request_id: 'after-close', tenant: 'drain', unwritten_reason: afterClose }),
    ]);
    expect(errors).toContainEqual(
      expect.objectContaining({
        msg: expect.stringContaining('NOT in the database'),
        request_ids: ['after-close'],
      }),
    );
    const [{ stored }] = await runSql<{ stored: number }>(
      url,
      `SELECT count(*)::int AS stored FROM audit_events WHERE request_id = 'after-close'`,
    );
    expect(stored).toBe(0);
  });
});
