import { randomBytes } from 'node:crypto';

import { createTestDatabase } from '@toolgate/testing';

import { fingerprint, provisionSample, runQuery, type SampleFixture } from './testing/sample-fixture.util';

/** A SQLSTATE: refused with 422 and that code; 504: stopped by the statement timeout; 200: ran, harmless. */
type Expected = string | 504 | 200 | 'truncated';

const STATEMENT_TIMEOUT_MS = 2_000;

/**
 * Each attempt runs through `executeQuery`'s path as the read-only login, in order (some probe what the
 * previous one tried to leave behind). None may change anything — fingerprint of every row, table, ACL,
 * large object and login before/after — and the pool must answer a normal query right after each. The
 * walls are the login and the transaction, not the SQL text. (The 200 cases are proved harmless by the
 * fingerprint, and in database-limits.integration-spec.ts.)
 */
const ATTEMPTS: [name: string, sql: string, expected: Expected, params?: unknown[]][] = [
  ['flip the transaction to read-write', 'SET TRANSACTION READ WRITE', '25001'],
  ['commit, then delete', 'COMMIT; DELETE FROM customers', '42601'],
  ['comment hides a second statement', 'SELECT 1 /* harmless */; DELETE FROM customers --', '42601'],
  [
    'quote-paren-comment injection through a parameter',
    'SELECT id FROM customers WHERE name = $1',
    200,
    ["x') OR 1=1; DELETE FROM customers; --"],
  ],
  ['injection into an integer parameter', 'SELECT id FROM customers WHERE id = $1', '22P02', ['1) q --']],
  ['COPY to a shell program', "COPY customers TO PROGRAM 'touch /tmp/toolgate-pwned'", '42501'],
  ['COPY out over the wire (would crash a plain pg-cursor)', 'COPY customers TO STDOUT', '0A000'],
  ['COPY in over the wire', 'COPY customers FROM STDIN', '42501'],
  ['terminate other sessions', 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity', '42501'],
  ['terminate its own session', 'SELECT pg_terminate_backend(pg_backend_pid())', '42501'],
  ['read a server file', "SELECT pg_read_file('/etc/passwd')", '42501'],
  ['import a server file as a large object', "SELECT lo_import('/etc/passwd')", '42501'],
  ['create a large object', "SELECT lo_from_bytea(0, 'junk')", '42501'],
  ['dblink to another database', "SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(x int)", '42883'],
  ['install dblink', 'CREATE EXTENSION dblink', '25006'],
  ['set role to the superuser', 'SET ROLE postgres', '42501'],
  ['set session authorization', 'SET SESSION AUTHORIZATION postgres', '42501'],
  ['create a table', 'CREATE TABLE pwned (id int)', '25006'],
  ['create a temporary table', 'CREATE TEMP TABLE pwned AS SELECT 1', '25006'],
  ['make itself superuser', 'ALTER ROLE CURRENT_USER SUPERUSER', '25006'],
  ['grant itself more', 'GRANT ALL ON customers TO PUBLIC', '25006'],
  ['anonymous code block', 'DO $$ BEGIN DELETE FROM customers; END $$', '25006'],
  [
    'data-modifying CTE',
    'WITH gone AS (DELETE FROM customers RETURNING *) SELECT count(*) FROM gone',
    '25006',
  ],
  ['EXPLAIN ANALYZE runs the delete', 'EXPLAIN ANALYZE DELETE FROM customers', '25006'],
  ['plain UPDATE', "UPDATE customers SET name = 'pwned'", '25006'],
  ['TRUNCATE', 'TRUNCATE invoices', '25006'],
  ['advance a sequence', "SELECT nextval('customers_id_seq')", '42501'],
  ['lock a table exclusively', 'LOCK TABLE customers IN ACCESS EXCLUSIVE MODE', '42501'],
  ['notify listeners', 'NOTIFY toolgate_catalog', 200],
  ['row locks', 'SELECT * FROM customers FOR UPDATE', '25006'],
  ['prepare a delete for later', 'PREPARE later AS DELETE FROM customers', 200],
  ['… and execute it in the next call (session wiped)', 'EXECUTE later', '26000'],
  ['hold a session advisory lock', 'SELECT pg_advisory_lock(7460117301)', 200],
  [
    '… which the next call no longer holds',
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
    200,
  ],
  ['drop the session timeout', 'RESET statement_timeout', 200],
  ['… then sleep past it', 'SELECT pg_sleep(30)', 504],
  [
    'turn the timeout off inside the statement',
    "SELECT set_config('statement_timeout', '0', false), pg_sleep(30)",
    504,
  ],
  ['huge cross join, streamed', 'SELECT * FROM orders a CROSS JOIN orders b', 'truncated'],
  ['huge cross join, aggregated', 'SELECT count(*) FROM orders a, orders b, orders c', 504],
  // 4 MB rows built cheaply, so the row is cut by the socket cap well before the statement timeout.
  [
    'rows too big for the byte cap',
    "SELECT repeat(repeat('x', 1000), 4000) FROM generate_series(1, 3)",
    'truncated',
  ],
  ['VACUUM', 'VACUUM customers', '25001'],
];

describe('database:executeQuery escape attempts (embedded Postgres)', () => {
  let sample: SampleFixture;
  let baseline: Record<string, string>;

  beforeAll(async () => {
    sample = await provisionSample(await createTestDatabase('gw'), `esc_${randomBytes(4).toString('hex')}`, {
      DATABASE_MAX_ROWS: '100',
      DATABASE_MAX_RESULT_BYTES: '200000',
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    });
    baseline = await fingerprint(sample.sampleAdminUrl);
  });
  afterAll(() => sample.close());

  it('tries more than 20 distinct escapes', () => {
    expect(new Set(ATTEMPTS.map(([, sql]) => sql)).size).toBeGreaterThanOrEqual(20);
  });

  // Every row gets its params (jest would pass a `done` callback for a missing last argument).
  const rows = ATTEMPTS.map(([name, sql, expected, params]) => [name, sql, expected, params ?? []] as const);

  it.each(rows)('%s', async (_name, sql, expected, params) => {
    const outcome = await runQuery(sample.client, sql, params);
    if (typeof expected === 'string' && expected !== 'truncated') {
      expect({ status: outcome.status, sqlstate: outcome.sqlstate }).toEqual({
        status: 422,
        sqlstate: expected,
      });
    } else if (expected === 'truncated') {
      expect(outcome).toMatchObject({ status: 200, answer: { truncated: true } });
    } else {
      expect(outcome.status).toBe(expected);
    }
    if (expected === 504) expect(outcome.ms).toBeLessThan(STATEMENT_TIMEOUT_MS + 3_000);
    expect(await fingerprint(sample.sampleAdminUrl)).toEqual(baseline);
    const healthy = await runQuery(sample.client, 'SELECT count(*) FROM customers');
    expect(healthy).toMatchObject({ status: 200, answer: { rows: [['2000']] } });
  });
});
