import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { DatabaseClient } from '../database.client';
import { type DatabaseToolsConfig, loadDatabaseToolsConfig, TOOLS_URL_ENV } from '../database.config';
import { type CallBudget, type QueryAnswer } from '../database.types';
import { type SampleLogins, SampleProvisioner } from '../sample/sample-provisioner.service';
import { SAMPLE_TABLES } from '../sample/sample-dataset.util';

/** A provisioned sample database for tests: the client wired to its logins, and admin access to check it. */
export interface SampleFixture {
  config: DatabaseToolsConfig;
  client: DatabaseClient;
  provisioner: SampleProvisioner;
  logins: SampleLogins;
  /** The superuser inside the sample database (to checksum or tamper). */
  sampleAdminUrl: string;
  close(): Promise<void>;
}

/** A budget ending `ms` from now (what a tool call gets from its deadline). */
export const budget = (ms = 10_000, toolId = 'database:executeQuery'): CallBudget => ({
  toolId,
  deadlineAt: Date.now() + ms,
});

/**
 * Provisions sample database `name` from `gatewayUrl` (a superuser URL of a fresh "gateway" database) with
 * the given environment overrides, and points a client at its logins.
 */
export async function provisionSample(
  gatewayUrl: string,
  name: string,
  env: Record<string, string> = {},
): Promise<SampleFixture> {
  const config = loadDatabaseToolsConfig({
    DATABASE_TOOLS_SAMPLE_DB: name,
    // Only used for a derivation secret when the admin URL has no password (the test server has one).
    RUNTIME_DIR: join(tmpdir(), 'toolgate-dbtools'),
    ...env,
  });
  const client = new DatabaseClient(config);
  const provisioner = new SampleProvisioner(client, config);
  const logins = await provisioner.provision(gatewayUrl);
  await client.configure({
    readerUrl: logins.readerUrl,
    writerUrl: logins.writerUrl,
    readerVariable: TOOLS_URL_ENV,
    writerVariable: TOOLS_URL_ENV,
  });
  const admin = new URL(gatewayUrl);
  admin.pathname = `/${name}`;
  return {
    config,
    client,
    provisioner,
    logins,
    sampleAdminUrl: admin.toString(),
    close: () => client.close(),
  };
}

/** One statement on a throwaway connection. */
export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Fingerprint of everything an escape could change: every row of the sample tables, the tables and
 * functions of the database, large objects, and the logins' attributes and memberships.
 */
export async function fingerprint(sampleAdminUrl: string): Promise<Record<string, string>> {
  const parts: Record<string, string> = {};
  for (const table of SAMPLE_TABLES) {
    const [row] = await sql<{ digest: string }>(
      sampleAdminUrl,
      `SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY t.id)) AS digest FROM ${table} t`,
    );
    parts[table] = row.digest;
  }
  const [objects] = await sql<{ digest: string }>(
    sampleAdminUrl,
    `SELECT md5(string_agg(concat_ws(':', c.relname, c.relkind, c.relacl), ',' ORDER BY c.relname)) || ':' ||
            (SELECT count(*) FROM pg_largeobject_metadata) || ':' ||
            (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace) AS digest
     FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace`,
  );
  parts.objects = objects.digest;
  const [roles] = await sql<{ digest: string }>(
    sampleAdminUrl,
    `SELECT string_agg(concat_ws(':', r.rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolbypassrls,
              (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid)), ',' ORDER BY r.rolname) AS digest
     FROM pg_roles r WHERE r.rolname LIKE current_database() || '\\_%'`,
  );
  parts.roles = roles.digest;
  return parts;
}

/** What `executeQuery` answered: 200 with the result, or the error's status and SQLSTATE. */
export interface QueryOutcome {
  status: number;
  sqlstate?: string;
  answer?: QueryAnswer;
  ms: number;
}

/** Runs one statement through the client's read-only path and reports the outcome instead of throwing. */
export async function runQuery(
  client: DatabaseClient,
  text: string,
  params: unknown[] = [],
): Promise<QueryOutcome> {
  const started = Date.now();
  try {
    const answer = await client.query(text, params, budget(5_000));
    return { status: 200, answer, ms: Date.now() - started };
  } catch (error) {
    const e = error as { status?: number; extensions?: { sqlstate?: string } };
    return { status: e.status ?? 500, sqlstate: e.extensions?.sqlstate, ms: Date.now() - started };
  }
}
