import { randomBytes } from 'node:crypto';

import { runSql } from '@toolgate/testing';

import { bearer, devToken, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway, type TestGateway } from './support/gateway';

type Json = Record<string, any>;

/** Callers, with the seed policy (policies/policies.yml): rule invoke-database-tools, the destructive gate. */
const PEOPLE = {
  analyst: { tenant: 'acme', roles: ['data-analyst'] },
  admin: { tenant: 'acme', roles: ['data-admin'] },
  nobody: { tenant: 'acme', roles: ['agent'] },
};
type Person = keyof typeof PEOPLE;

interface DbGateway {
  gw: TestGateway;
  call(who: Person, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

async function startDbGateway(env: Record<string, string>): Promise<DbGateway> {
  const runtime = makeRuntimeDir();
  const gw = await startGateway({ env: { RUNTIME_DIR: runtime.dir, ...env } });
  const tokens = Object.fromEntries(
    await Promise.all(
      Object.entries(PEOPLE).map(async ([who, person]) => [
        who,
        await devToken(runtime.dir, { subject: who, ...person }),
      ]),
    ),
  ) as Record<Person, string>;
  return {
    gw,
    call: async (who, path, body) => {
      const response = await gw.request(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          ...bearer(tokens[who]),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
    },
    close: async () => {
      await gw.close();
      runtime.dispose();
    },
  };
}

const catalogOf = async (db: DbGateway, who: Person): Promise<Json[]> =>
  ((await db.call(who, '/tool-catalog')).body.tools as Json[]).filter((tool) =>
    String(tool.toolId).startsWith('database:'),
  );

describe('database provider (e2e over HTTP)', () => {
  const sampleDb = `e2e_sample_${randomBytes(4).toString('hex')}`;
  let db: DbGateway;
  let sampleAdminUrl: string;

  const invoke = (who: Person, tool: string, body: Json) =>
    db.call(who, `/tools/database:${tool}/invoke`, body);
  const checksum = async () =>
    (
      await runSql<{ digest: string }>(
        sampleAdminUrl,
        "SELECT md5(string_agg(i::text, ',' ORDER BY i.id)) AS digest FROM invoices i",
      )
    )[0].digest;

  beforeAll(async () => {
    db = await startDbGateway({
      DATABASE_TOOLS_SAMPLE_DB: sampleDb,
      DATABASE_MAX_ROWS: '25',
      // Socket limit per call: 2 × this + 1 MiB.
      DATABASE_MAX_RESULT_BYTES: '100000',
      // Far above what any call here needs on a loaded machine; the 504 case sleeps far past it.
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
    });
    const url = new URL(db.gw.databaseUrl);
    url.pathname = `/${sampleDb}`;
    sampleAdminUrl = url.toString();
  });
  afterAll(() => db.close());

  it('provisions the sample database at boot and never logs a password', () => {
    const text = db.gw.logs.text();
    expect(text).toMatch(new RegExp(`Sample database ${sampleDb} provisioned in \\d+ ms`));
    const adminPassword = decodeURIComponent(new URL(db.gw.databaseUrl).password);
    expect(text).not.toContain(adminPassword);
    expect(text).not.toMatch(/SCRAM-SHA-256\$/);
  });

  it('shows a data-analyst the read tools, a data-admin also executeStatement behind confirmation', async () => {
    expect((await catalogOf(db, 'analyst')).map((tool) => tool.toolId).sort()).toEqual([
      'database:executeQuery',
      'database:getSchema',
      'database:listTables',
    ]);
    const adminTools = await catalogOf(db, 'admin');
    expect(adminTools.find((tool) => tool.toolId === 'database:executeStatement')).toMatchObject({
      requires_confirmation: true,
    });
    expect(await catalogOf(db, 'nobody')).toEqual([]);
  });

  it('lists the sample tables and describes one', async () => {
    const tables = await invoke('analyst', 'listTables', {});
    expect(tables.status).toBe(200);
    expect((tables.body.result.tables as Json[]).map((table) => table.name)).toEqual([
      'customers',
      'invoices',
      'orders',
    ]);
    const schema = await invoke('analyst', 'getSchema', { table: 'orders' });
    expect(schema.status).toBe(200);
    expect(schema.body.result.columns).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'customer_id', data_type: 'integer' })]),
    );
    expect(schema.body.result.constraints).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'foreign key' })]),
    );
    expect((await invoke('analyst', 'getSchema', { table: 'pg_authid' })).status).toBe(422);
  });

  it('runs a parameterized query and returns { columns, rows, row_count, truncated }', async () => {
    const answer = await invoke('analyst', 'executeQuery', {
      sql: 'SELECT id, email FROM customers WHERE country = $1 AND id <= $2 ORDER BY id',
      params: ['DE', 20],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.result).toEqual({
      columns: [
        { name: 'id', data_type: 'int4' },
        { name: 'email', data_type: 'text' },
      ],
      rows: [
        [7, 'customer7@example.com'],
        [17, 'customer17@example.com'],
      ],
      row_count: 2,
      truncated: false,
    });
  });

  it('truncates at DATABASE_MAX_ROWS', async () => {
    const answer = await invoke('analyst', 'executeQuery', { sql: 'SELECT id FROM orders ORDER BY id' });
    expect(answer.status).toBe(200);
    expect(answer.body.result).toMatchObject({ row_count: 25, truncated: true, truncated_by: 'rows' });
    expect(answer.body.result.rows).toHaveLength(25);
  });

  it('answers 422 with the database message on a SQL error, and for several statements in one text', async () => {
    const missing = await invoke('analyst', 'executeQuery', { sql: 'SELECT * FROM no_such_table' });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({
      code: 'DATABASE.QUERY_FAILED',
      detail: 'relation "no_such_table" does not exist',
      sqlstate: '42P01',
    });
    const before = await checksum();
    const stacked = await invoke('analyst', 'executeQuery', { sql: 'SELECT 1; DELETE FROM invoices' });
    expect(stacked.status).toBe(422);
    expect(await checksum()).toBe(before);
  });

  it('answers 504 when a statement runs past DATABASE_STATEMENT_TIMEOUT_MS, and keeps serving', async () => {
    const started = Date.now();
    const slow = await invoke('analyst', 'executeQuery', { sql: 'SELECT pg_sleep(30)' });
    expect(slow.status).toBe(504);
    expect(slow.body.code).toBe('PROVIDER.TIMEOUT');
    // Answered at the statement timeout (2 s), long before the 30 s sleep (slack for a loaded machine).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await invoke('analyst', 'executeQuery', { sql: 'SELECT 1 AS one' })).body.result.rows).toEqual([
      [1],
    ]);
  });

  it('holds executeStatement for confirmation (202, or 503 without a gate): not executed', async () => {
    const before = await checksum();
    const held = await invoke('admin', 'executeStatement', { sql: 'DELETE FROM invoices' });
    expect([202, 503]).toContain(held.status);
    if (held.status === 202) expect(held.body).toMatchObject({ requires_confirmation: true });
    expect(await checksum()).toBe(before);
    const denied = await invoke('analyst', 'executeStatement', { sql: 'DELETE FROM invoices' });
    expect(denied.status).toBe(403);
    expect(await checksum()).toBe(before);
  });

  it('runs a confirmed executeStatement as the writer, committed (once confirmation is available)', async () => {
    const [open] = await runSql<{ id: number }>(
      sampleAdminUrl,
      "SELECT id FROM invoices WHERE status = 'open' ORDER BY id LIMIT 1",
    );
    const args = {
      sql: "UPDATE invoices SET status = 'paid' WHERE id = $1 AND status = 'open'",
      params: [open.id],
    };
    const held = await invoke('admin', 'executeStatement', args);
    if (held.status !== 202) return; // no confirmation gate in this build: covered by the test above
    const confirmed = await db.call('admin', '/tools/database:executeStatement/confirm', {
      action_token: held.body.action_token,
      ...args,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.result).toEqual({ command: 'UPDATE', row_count: 1 });
    const [row] = await runSql<{ status: string }>(
      sampleAdminUrl,
      'SELECT status FROM invoices WHERE id = $1',
      [open.id],
    );
    expect(row.status).toBe('paid');
  });

  it('shows the first RETURNING rows under the caps, and rolls back a statement returning too much', async () => {
    const confirm = async (sql: string) => {
      const held = await invoke('admin', 'executeStatement', { sql });
      if (held.status !== 202) return undefined; // no confirmation gate in this build
      return db.call('admin', '/tools/database:executeStatement/confirm', {
        action_token: held.body.action_token,
        sql,
      });
    };
    const returning = await confirm('UPDATE invoices SET status = status WHERE id <= 30 RETURNING id');
    if (!returning) return;
    expect(returning.status).toBe(200);
    expect(returning.body.result).toMatchObject({
      command: 'UPDATE',
      row_count: 30,
      columns: [{ name: 'id', data_type: 'int4' }],
      truncated: true,
      truncated_by: 'rows',
    });
    expect(returning.body.result.rows).toHaveLength(25);
    const before = await checksum();
    const tooMuch = await confirm(
      "UPDATE invoices SET status = 'void' WHERE id <= 20 RETURNING repeat('x', 200000)",
    );
    expect(tooMuch?.status).toBe(422);
    expect(tooMuch?.body).toMatchObject({
      code: 'DATABASE.RESULT_TOO_LARGE',
      request_id: expect.any(String),
    });
    expect(await checksum()).toBe(before);
  });

  it('accepts the sample logins (not superusers, no way to end other sessions): no refusal, no warning', () => {
    // The calls above waited for the login checks, so their verdicts are logged by now.
    expect(db.gw.logs.text()).not.toMatch(
      /refuse the (reader|writer) login|Warning: the (reader|writer) login/,
    );
  });
});

describe('database provider unreachable (e2e)', () => {
  let db: DbGateway;

  beforeAll(async () => {
    db = await startDbGateway({ DATABASE_TOOLS_URL: 'postgres://reader:secret-pw@127.0.0.1:1/tools' });
  });
  afterAll(() => db.close());

  it('still lists the tools and answers 503 naming DATABASE_TOOLS_URL', async () => {
    expect((await catalogOf(db, 'analyst')).length).toBe(3);
    const answer = await db.call('analyst', '/tools/database:executeQuery/invoke', { sql: 'SELECT 1' });
    expect(answer.status).toBe(503);
    expect(answer.body.detail).toContain('DATABASE_TOOLS_URL');
    expect(JSON.stringify(answer.body)).not.toContain('secret-pw');
  });
});
