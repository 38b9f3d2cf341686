import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { runSql, testDatabaseUrl } from '@toolgate/testing';

import { type CatalogGateway, startCatalogGateway } from './support/catalog-gateway';
import { startGateway, type TestGateway } from './support/gateway';

/**
 * The database roles of docker-compose.yml: migrations as the owner, docker/postgres/grants.sql, then the
 * gateway as a login with row privileges only. And the boot-time warning (log once, /health) when the
 * gateway's login could switch the audit trail's append-only trigger off.
 */
const GRANTS = readFileSync(join(__dirname, '../docker/postgres/grants.sql'), 'utf8');
const suffix = randomBytes(4).toString('hex');
const roles = { owner: `tg_owner_${suffix}`, app: `tg_app_${suffix}` };
const passwords = { owner: randomBytes(12).toString('hex'), app: randomBytes(12).toString('hex') };
const database = `least_${suffix}`;

function loginUrl(who: 'owner' | 'app'): string {
  const url = new URL(testDatabaseUrl(database));
  url.username = roles[who];
  url.password = passwords[who];
  return url.toString();
}

/** Log lines of `gw` whose message contains `text`. */
const linesWith = (gw: TestGateway, text: string) =>
  gw.logs.lines.filter((line) => String(line.msg ?? '').includes(text));

async function health(gw: TestGateway): Promise<Record<string, any>> {
  const response = await gw.request('/health');
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, any>;
}

beforeAll(async () => {
  const admin = testDatabaseUrl('postgres');
  // As docker/postgres/initdb/10-toolgate-roles.sql, with names of this run (roles are server-wide).
  await runSql(
    admin,
    `CREATE ROLE "${roles.owner}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '${passwords.owner}'`,
  );
  await runSql(
    admin,
    `CREATE ROLE "${roles.app}" LOGIN NOSUPERUSER CREATEDB CREATEROLE NOBYPASSRLS PASSWORD '${passwords.app}'`,
  );
  await runSql(admin, `CREATE DATABASE "${database}" OWNER "${roles.owner}"`);
  // The `migrate` job, then the `grants` job.
  const migrations = new DataSource(
    buildDataSourceOptions({ url: loginUrl('owner'), migrations: MIGRATIONS }),
  );
  await migrations.initialize();
  try {
    await migrations.runMigrations({ transaction: 'each' });
    await migrations.query(GRANTS.replace(/\btoolgate_app\b/g, `"${roles.app}"`));
  } finally {
    await migrations.destroy();
  }
});

describe('the gateway as the least-privilege login of docker-compose.yml (e2e)', () => {
  let cg: CatalogGateway;

  beforeAll(async () => {
    cg = await startCatalogGateway({
      databaseUrl: loginUrl('app'),
      env: { DATABASE_RUN_MIGRATIONS: 'false', DATABASE_TOOLS_SAMPLE_DB: `least_sample_${suffix}` },
    });
  });
  afterAll(() => cg.close());

  it('serves and audits a call, and shows no login warning', async () => {
    const answer = await cg.call('reader', '/tools/test:echo/invoke', {
      method: 'POST',
      body: { message: 'least privilege' },
    });
    expect(answer.status).toBe(200);
    const rows = await runSql<{ event: string }>(
      loginUrl('owner'),
      `SELECT event FROM audit_events WHERE correlation_id = $1 ORDER BY seq`,
      [answer.body.correlation_id],
    );
    expect(rows.map((row) => row.event)).toEqual(['tools.invoke', 'tools.invoke']);
    expect((await health(cg.gw)).info.database_login).toEqual({ status: 'up' });
    expect(linesWith(cg.gw, "the gateway's database login")).toEqual([]);
  });

  it('cannot change, disable or drop the audit trail with its login', async () => {
    const app = loginUrl('app');
    await expect(runSql(app, 'DELETE FROM audit_events')).rejects.toThrow(/permission denied/);
    await expect(runSql(app, 'TRUNCATE audit_events')).rejects.toThrow(/permission denied/);
    await expect(
      runSql(app, 'ALTER TABLE audit_events DISABLE TRIGGER "TRG_audit_events_append_only"'),
    ).rejects.toThrow(/must be owner/);
    await expect(runSql(app, 'DROP TABLE audit_events')).rejects.toThrow(/must be owner/);
  });
});

describe('the login warning (e2e)', () => {
  it('warns once, in the log and /health, when the gateway runs as the owner of audit_events', async () => {
    const cg = await startCatalogGateway({
      databaseUrl: loginUrl('owner'),
      env: { DATABASE_RUN_MIGRATIONS: 'false', DATABASE_TOOLS_SAMPLE_DB: `least_sample_${suffix}` },
    });
    try {
      for (let i = 0; i < 3; i += 1) {
        const report = await health(cg.gw);
        expect(report.info.database_login).toEqual({
          status: 'up',
          warning:
            "the gateway's database login owns audit_events: it can switch off its append-only trigger and drop it",
        });
      }
      const warnings = linesWith(cg.gw, `database login "${roles.owner}" owns audit_events`);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].level).toBe(40);
    } finally {
      await cg.close();
    }
  });

  it('warns once when the gateway runs as a superuser (DATABASE_URL)', async () => {
    const cg = await startCatalogGateway();
    try {
      await health(cg.gw);
      const report = await health(cg.gw);
      expect(report.info.database_login.warning).toMatch(/^the gateway's database login is a superuser: /);
      expect(JSON.stringify(report)).not.toContain('postgres'); // the public route names no role
      expect(linesWith(cg.gw, 'is a superuser')).toHaveLength(1);
    } finally {
      await cg.close();
    }
  });

  it('on the embedded development database, says once that its superuser login is expected, without a warning', async () => {
    const runtimeDir = await mkdtemp(join(tmpdir(), 'toolgate-least-'));
    await chmod(runtimeDir, 0o755); // the postgres OS user enters it
    let gw: TestGateway | undefined;
    try {
      gw = await startGateway({
        env: { DATABASE_URL: undefined, RUNTIME_DIR: runtimeDir, EMBEDDED_PG_PORT: '0' },
      });
      await health(gw);
      const report = await health(gw);
      expect(report.info.database_login).toEqual({
        status: 'up',
        note: expect.stringMatching(/is a superuser: .* \(expected for the embedded development database\)$/),
      });
      const notes = linesWith(gw, 'The embedded development database runs the gateway as its superuser');
      expect(notes).toHaveLength(1);
      expect(notes[0].level).toBe(30);
      expect(
        gw.logs.lines.filter((line) => line.level === 40 && String(line.msg).includes('database login')),
      ).toEqual([]);
    } finally {
      await gw?.close();
      await rm(runtimeDir, { recursive: true, force: true });
    }
  });
});
