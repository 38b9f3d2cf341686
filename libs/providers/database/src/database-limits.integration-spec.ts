import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { createTestDatabase } from '@toolgate/testing';

import { DatabaseClient } from './database.client';
import { TOOLS_URL_ENV } from './database.config';
import { budget, provisionSample, runQuery, type SampleFixture, sql } from './testing/sample-fixture.util';

/** The limits of `executeQuery` and what the harmless-looking escapes leave behind (nothing). */
describe('database:executeQuery limits (embedded Postgres)', () => {
  let sample: SampleFixture;
  const run = (text: string, params: unknown[] = []) => runQuery(sample.client, text, params);

  beforeAll(async () => {
    sample = await provisionSample(await createTestDatabase('gw'), `lim_${randomBytes(4).toString('hex')}`, {
      DATABASE_MAX_ROWS: '100',
      DATABASE_MAX_RESULT_BYTES: '200000',
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
    });
  });
  afterAll(() => sample.close());

  it('caps rows at DATABASE_MAX_ROWS and bytes at DATABASE_MAX_RESULT_BYTES', async () => {
    const rows = await run('SELECT id FROM orders ORDER BY id');
    expect(rows.answer).toMatchObject({ row_count: 100, truncated: true, truncated_by: 'rows' });
    expect(rows.answer?.rows[99]).toEqual([100]);
    const exact = await run('SELECT id FROM orders ORDER BY id LIMIT 100');
    expect(exact.answer).toMatchObject({ row_count: 100, truncated: false });
    const wide = await run("SELECT repeat('x', 50000) FROM generate_series(1, 10)");
    expect(wide.answer).toMatchObject({ truncated: true, truncated_by: 'bytes', row_count: 3 });
    // Rows of 4 MB, far past the socket cap, built cheaply (repeat of one character loops per character):
    // the cut must not depend on how fast the server produces them.
    const huge = await run("SELECT 1 AS n, repeat(repeat('x', 1000), 4000) FROM generate_series(1, 3)");
    expect({ status: huge.status, sqlstate: huge.sqlstate }).toEqual({ status: 200, sqlstate: undefined });
    expect(huge.answer).toMatchObject({ truncated: true, truncated_by: 'bytes', row_count: 0 });
    expect(huge.answer?.columns.map((column) => column.name)).toEqual(['n', 'repeat']);
  });

  it('binds injected text as a value, never as SQL', async () => {
    const injected = await run('SELECT id FROM customers WHERE name = $1', ["x') OR 1=1; --"]);
    expect(injected.answer).toMatchObject({ rows: [], row_count: 0, truncated: false });
    expect((await run('SELECT count(*) FROM customers')).answer?.rows).toEqual([['2000']]);
  });

  it('answers 422 with the database message for a parameter count mismatch (08P01), and NUL up front', async () => {
    for (const [text, params, message] of [
      ['SELECT $1::int', [], /supplies 0 parameters, but prepared statement "" requires 1/],
      ['SELECT 1', ['x'], /supplies 1 parameters, but prepared statement "" requires 0/],
    ] as const) {
      const error = await sample.client.query(text, [...params], budget()).catch((e: unknown) => e);
      expect(error).toMatchObject({
        status: 422,
        code: 'DATABASE.QUERY_FAILED',
        detail: expect.stringMatching(message),
        extensions: { sqlstate: '08P01' },
      });
    }
    const nul = await sample.client.query('SELECT 1\u0000', [], budget()).catch((e: unknown) => e);
    expect(nul).toMatchObject({ status: 422, detail: expect.stringContaining('NUL character') });
    expect((await run('SELECT $1::text', ['a\u0000b'])).status).toBe(422);
    expect((await run('SELECT 1 AS one')).answer?.rows).toEqual([[1]]);
  });

  it('keeps infinite dates and intervals and non-finite floats apart from NULL and zero', async () => {
    const special = await run(
      "SELECT 'infinity'::timestamptz, '-infinity'::date, 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float4, " +
        "NULL::text, ARRAY['infinity'::timestamp, '2024-01-02'], ARRAY['NaN'::float8], 'NaN'::numeric, " +
        "'infinity'::interval, '0'::interval",
    );
    expect(special.answer?.rows).toEqual([
      [
        'infinity',
        '-infinity',
        'NaN',
        'Infinity',
        '-Infinity',
        null,
        ['infinity', expect.any(Date)],
        ['NaN'],
        'NaN',
        'infinity',
        {},
      ],
    ]);
  });

  it('cuts a huge database message to a few kB, saying so', async () => {
    const error = await sample.client
      .query("SELECT repeat('x', 1000000)::int", [], budget())
      .catch((e: { status: number; detail: string }) => e);
    expect(error).toMatchObject({
      status: 422,
      detail: expect.stringMatching(/^invalid input syntax for type integer/),
    });
    expect((error as { detail: string }).detail.length).toBeLessThan(5_000);
    expect((error as { detail: string }).detail).toMatch(/more characters cut\]$/);
  });

  it('wipes the session between calls: advisory locks, prepared statements, settings', async () => {
    expect((await run('SELECT pg_advisory_lock(42)')).status).toBe(200);
    // The cluster is shared with other suites that take advisory locks of their own: count only key 42 here.
    const held = await run(
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = 42 AND objsubid = 1 " +
        'AND database = (SELECT oid FROM pg_database WHERE datname = current_database())',
    );
    expect(held.answer?.rows).toEqual([['0']]);
    expect((await run('PREPARE later AS SELECT 1')).status).toBe(200);
    expect((await run('SELECT count(*) FROM pg_prepared_statements')).answer?.rows).toEqual([['0']]);
    expect((await run("SELECT set_config('search_path', 'pg_temp', false)")).status).toBe(200);
    expect((await run("SELECT current_setting('search_path')")).answer?.rows).toEqual([['public']]);
  });

  it('runs each call in a read-only repeatable-read transaction with the local statement timeout', async () => {
    const settings = await run(
      "SELECT current_setting('transaction_read_only'), current_setting('transaction_isolation'), " +
        "current_setting('statement_timeout'), current_user",
    );
    expect(settings.answer?.rows).toEqual([['on', 'repeatable read', '2s', sample.logins.reader]]);
  });

  it('refuses writes even when the configured login itself may write (the transaction is a wall too)', async () => {
    const misconfigured = new DatabaseClient(sample.config);
    await misconfigured.configure({
      readerUrl: sample.logins.writerUrl,
      readerVariable: TOOLS_URL_ENV,
      writerVariable: TOOLS_URL_ENV,
    });
    try {
      const write = await runQuery(misconfigured, "UPDATE customers SET name = 'pwned' WHERE id = 1");
      expect(write).toMatchObject({ status: 422, sqlstate: '25006' });
      const [row] = await sql<{ name: string }>(
        sample.sampleAdminUrl,
        'SELECT name FROM customers WHERE id = 1',
      );
      expect(row.name).not.toBe('pwned');
    } finally {
      await misconfigured.close();
    }
  });

  it('never delivers a NOTIFY: the transaction is always rolled back', async () => {
    const listener = new Client({ connectionString: sample.sampleAdminUrl });
    await listener.connect();
    const received: string[] = [];
    listener.on('notification', (message) => received.push(message.channel));
    await listener.query('LISTEN toolgate_catalog');
    try {
      expect((await run("NOTIFY toolgate_catalog, 'pwned'")).status).toBe(200);
      expect((await run("SELECT pg_notify('toolgate_catalog', 'pwned')")).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it('leaves no session of the login idle in a transaction, and no more than the pool size', async () => {
    await Promise.all(Array.from({ length: 10 }, () => run('SELECT pg_sleep(0.05)')));
    const sessions = await sql<{ state: string }>(
      sample.sampleAdminUrl,
      'SELECT state FROM pg_stat_activity WHERE usename = $1',
      [sample.logins.reader],
    );
    expect(sessions.filter((session) => session.state !== 'idle')).toEqual([]);
    expect(sessions.length).toBeLessThanOrEqual(sample.config.poolSize);
  });
});
