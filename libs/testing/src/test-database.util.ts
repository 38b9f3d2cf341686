import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

function adminUrl(): string {
  const url = process.env.TOOLGATE_TEST_PG_ADMIN_URL;
  if (!url)
    throw new Error(
      'TOOLGATE_TEST_PG_ADMIN_URL is unset: run tests through jest (global setup starts Postgres).',
    );
  return url;
}

/** URL of a database on the test server (`postgres` admin database when no name is given). */
export function testDatabaseUrl(database = 'postgres'): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates a fresh, empty database on the test run's embedded Postgres and returns its URL. */
export async function createTestDatabase(prefix = 't'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return testDatabaseUrl(name);
}

/** Runs one statement as the superuser against a test database (for tests that tamper on purpose). */
export async function runSql<T = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
