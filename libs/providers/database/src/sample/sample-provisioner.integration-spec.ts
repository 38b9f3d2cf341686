import { randomBytes } from 'node:crypto';

import { createTestDatabase } from '@toolgate/testing';

import { DatabaseClient } from '../database.client';
import { loadDatabaseToolsConfig } from '../database.config';
import {
  budget,
  fingerprint,
  provisionSample,
  runQuery,
  type SampleFixture,
  sql,
} from '../testing/sample-fixture.util';
import { ProvisioningRefusedError, SampleProvisioner } from './sample-provisioner.service';

const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { status?: number; code?: string; detail?: string }) => error,
  );

describe('sample database provisioning (embedded Postgres)', () => {
  let gatewayUrl: string;
  let sample: SampleFixture;
  let provisionMs: number;

  beforeAll(async () => {
    gatewayUrl = await createTestDatabase('gw');
    const started = Date.now();
    sample = await provisionSample(gatewayUrl, uniqueName('sample'), { DATABASE_MAX_ROWS: '5000' });
    provisionMs = Date.now() - started;
  });
  afterAll(() => sample.close());

  it('creates the database, the deterministic dataset and two logins on first start, in bulk', async () => {
    expect(sample.logins.created).toBe(true);
    // A guard against row-by-row loading (tens of seconds), not a benchmark: it takes well under a second
    // alone, and CI machines run suites side by side.
    expect(provisionMs).toBeLessThan(15_000);
    const counts = await sample.client.query(
      'SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM orders), (SELECT count(*) FROM invoices)',
      [],
      budget(),
    );
    expect(counts.rows).toEqual([['2000', '8000', '6400']]);
    const [{ digest }] = await sql<{ digest: string }>(
      sample.sampleAdminUrl,
      "SELECT md5(string_agg(c::text, ',' ORDER BY c.id)) AS digest FROM customers c WHERE c.id <= 3",
    );
    const again = await createTestDatabase('gw');
    const other = await provisionSample(again, uniqueName('sample'));
    const [{ digest: otherDigest }] = await sql<{ digest: string }>(
      other.sampleAdminUrl,
      "SELECT md5(string_agg(c::text, ',' ORDER BY c.id)) AS digest FROM customers c WHERE c.id <= 3",
    );
    await other.close();
    expect(otherDigest).toBe(digest);
  });

  it('is idempotent: a second start finds the dataset, changes nothing, and the logins still work', async () => {
    const before = await fingerprint(sample.sampleAdminUrl);
    const rerun = await new SampleProvisioner(sample.client, sample.config).provision(gatewayUrl);
    expect(rerun.created).toBe(false);
    expect(rerun.readerUrl).toBe(sample.logins.readerUrl);
    expect(await fingerprint(sample.sampleAdminUrl)).toEqual(before);
    await expect(sample.client.query('SELECT count(*) FROM orders', [], budget())).resolves.toMatchObject({
      rows: [['8000']],
    });
  });

  it('survives several gateways booting at once: one creates, the others find it', async () => {
    const name = uniqueName('race');
    const config = loadDatabaseToolsConfig({ DATABASE_TOOLS_SAMPLE_DB: name });
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        new SampleProvisioner(new DatabaseClient(config), config).provision(gatewayUrl),
      ),
    );
    expect(runs.filter((run) => run.created)).toHaveLength(1);
    const admin = new URL(gatewayUrl);
    admin.pathname = `/${name}`;
    expect(await sql(admin.toString(), 'SELECT count(*)::int AS n FROM invoices')).toEqual([{ n: 6400 }]);
  });

  it('gives the reader only SELECT on the sample tables, and neither login any power', async () => {
    const roles = await sql<Record<string, unknown>>(
      sample.sampleAdminUrl,
      `SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolbypassrls, rolconnlimit,
              rolpassword LIKE 'SCRAM-SHA-256$%' AS scram
       FROM pg_authid WHERE rolname = ANY($1) ORDER BY rolname`,
      [[sample.logins.reader, sample.logins.writer]],
    );
    for (const role of roles) {
      expect(role).toMatchObject({
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolinherit: false,
        rolbypassrls: false,
        rolconnlimit: 20,
        scram: true,
      });
    }
    const [privileges] = await sql<Record<string, boolean>>(
      sample.sampleAdminUrl,
      `SELECT has_table_privilege($1, 'customers', 'SELECT') AS reader_select,
              has_table_privilege($1, 'customers', 'INSERT,UPDATE,DELETE,TRUNCATE') AS reader_write,
              has_table_privilege($2, 'customers', 'DELETE') AS writer_delete,
              has_table_privilege($2, 'customers', 'TRUNCATE') AS writer_truncate,
              has_schema_privilege($1, 'public', 'CREATE') OR has_schema_privilege($2, 'public', 'CREATE') AS create_schema,
              has_database_privilege($1, current_database(), 'TEMP') AS reader_temp,
              has_function_privilege($1, 'pg_terminate_backend(integer,bigint)', 'EXECUTE') AS terminate,
              has_table_privilege($1, 'pg_stat_activity', 'SELECT') AS activity`,
      [sample.logins.reader, sample.logins.writer],
    );
    expect(privileges).toEqual({
      reader_select: true,
      reader_write: false,
      writer_delete: true,
      writer_truncate: false,
      create_schema: false,
      reader_temp: false,
      terminate: false,
      activity: false,
    });
  });

  it("hides other callers' SQL text from the logins, not from the admin", async () => {
    const marker = `secret-${randomBytes(4).toString('hex')}`;
    const other = sample.client.query(`SELECT pg_sleep(1), '${marker}'`, [], budget());
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const spy of [
      'SELECT query FROM pg_stat_activity',
      'SELECT query FROM pg_stat_get_activity(NULL)',
      'SELECT pg_stat_get_backend_activity(id) FROM pg_stat_get_backend_idset() AS id',
    ]) {
      expect(await runQuery(sample.client, spy)).toMatchObject({ status: 422, sqlstate: '42501' });
    }
    const seen = await sql<{ query: string }>(sample.sampleAdminUrl, 'SELECT query FROM pg_stat_activity');
    expect(seen.map((row) => row.query)).toContainEqual(expect.stringContaining(marker));
    await other;
  });

  it('runs executeStatement as the writer, committed, in one statement only', async () => {
    const [open] = await sql<{ id: number }>(
      sample.sampleAdminUrl,
      "SELECT id FROM invoices WHERE status = 'open' ORDER BY id LIMIT 1",
    );
    const result = await sample.client.statement(
      "UPDATE invoices SET status = 'paid', paid_at = now() WHERE status = 'open' AND id = $1",
      [open.id],
      budget(),
    );
    expect(result).toEqual({ command: 'UPDATE', row_count: 1 });
    const [{ n }] = await sql<{ n: number }>(
      sample.sampleAdminUrl,
      "SELECT count(*)::int AS n FROM invoices WHERE id = $1 AND status = 'paid'",
      [open.id],
    );
    expect(n).toBe(1);
    const before = await fingerprint(sample.sampleAdminUrl);
    for (const attempt of [
      "UPDATE invoices SET status = 'void' WHERE id = 1; DROP TABLE customers",
      'DROP TABLE invoices',
      'TRUNCATE orders',
      'CREATE TABLE pwned (id int)',
      `ALTER ROLE ${sample.logins.writer} SUPERUSER`,
      "COPY invoices FROM PROGRAM 'id'",
    ]) {
      const error = await failure(
        sample.client.statement(attempt, [], budget(10_000, 'database:executeStatement')),
      );
      expect({ attempt, status: error?.status }).toEqual({ attempt, status: 422 });
    }
    // Not the owner: Postgres only warns "no privileges were granted"; the fingerprint includes the ACLs.
    await sample.client.statement('GRANT ALL ON customers TO PUBLIC', [], budget());
    expect(await fingerprint(sample.sampleAdminUrl)).toEqual(before);
  });

  it('provisions with CREATEDB + CREATEROLE only: the tools serve it, warned that callers can end each other', async () => {
    // Not a superuser: it cannot revoke pg_terminate_backend / pg_cancel_backend from PUBLIC.
    const admin = `creator_${randomBytes(4).toString('hex')}`;
    await sql(gatewayUrl, `CREATE ROLE ${admin} LOGIN CREATEDB CREATEROLE PASSWORD 'creator-password'`);
    const url = new URL(gatewayUrl);
    url.username = admin;
    url.password = 'creator-password';
    const weaker = await provisionSample(url.toString(), uniqueName('creator'));
    try {
      await expect(weaker.client.query('SELECT count(*) FROM orders', [], budget())).resolves.toMatchObject({
        rows: [['8000']],
      });
      const warning = expect.stringContaining(
        "may execute pg_cancel_backend, pg_terminate_backend, so one caller can end other callers' queries",
      );
      await expect(weaker.client.loginVerdicts(budget())).resolves.toEqual([
        { warnings: [warning] },
        { warnings: [warning] },
      ]);
    } finally {
      await weaker.close();
    }
  });

  it('refuses to provision with a role that may not create databases and roles', async () => {
    const weak = `weak_${randomBytes(4).toString('hex')}`;
    await sql(gatewayUrl, `CREATE ROLE ${weak} LOGIN PASSWORD 'weak-password'`);
    const url = new URL(gatewayUrl);
    url.username = weak;
    url.password = 'weak-password';
    const config = loadDatabaseToolsConfig({ DATABASE_TOOLS_SAMPLE_DB: uniqueName('weak') });
    const error = await failure(
      new SampleProvisioner(new DatabaseClient(config), config).provision(url.toString()),
    );
    expect(error).toBeInstanceOf(ProvisioningRefusedError);
  });
});
