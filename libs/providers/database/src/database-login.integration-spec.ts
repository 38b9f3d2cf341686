import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Logger } from '@nestjs/common';
import { Client } from 'pg';

import { createDeadline, type InvocationContext } from '@toolgate/core';
import { createTestDatabase } from '@toolgate/testing';

import { DatabaseClient } from './database.client';
import { loadDatabaseToolsConfig } from './database.config';
import { LOGIN_CHECK_SQL } from './database-login.util';
import { DatabaseProviderService } from './database-provider.service';
import { loginUrl } from './sample/sample-credentials.util';
import { SampleProvisioner } from './sample/sample-provisioner.service';
import { provisionSample, type SampleFixture, sql } from './testing/sample-fixture.util';

const ctx = (toolId: string): InvocationContext => ({
  principal: { subject: 's', tenant: 'public', roles: [], scopes: [], kind: 'jwt' },
  requestId: 'r',
  toolId,
  deadline: createDeadline(10_000),
});

/** The provider over DATABASE_TOOLS_URL (and _WRITE_URL), booted; `run` answers the result or the error. */
async function bootProvider(readerUrl: string, writerUrl?: string) {
  const config = loadDatabaseToolsConfig({
    DATABASE_TOOLS_URL: readerUrl,
    ...(writerUrl ? { DATABASE_TOOLS_WRITE_URL: writerUrl } : {}),
  });
  const client = new DatabaseClient(config);
  const provider = new DatabaseProviderService(client, new SampleProvisioner(client, config), config);
  await provider.onApplicationBootstrap();
  const run = (name: string, sqlText: string) =>
    provider
      .invoke(
        provider.listTools().find((tool) => tool.name === name)!,
        { sql: sqlText },
        ctx(`database:${name}`),
      )
      .then(
        (result) => ({ status: 200, result }) as Record<string, unknown>,
        (error: { status: number; code: string; detail: string }) => ({ ...error, status: error.status }),
      );
  return { provider, client, run };
}

/** A superuser and a NOINHERIT login holding one power each cannot be contained by the read-only walls. */
describe('database tools: the logins are checked once per configuration (embedded Postgres)', () => {
  let sample: SampleFixture;
  let database: string;
  let adminPassword: string;
  const closers: (() => Promise<void>)[] = [];

  /** A login that may read the sample tables, with extra attributes and (indirect) memberships. */
  async function makeLogin(attributes = '', memberOf: string[] = []): Promise<string> {
    const name = `login_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await sql(
      sample.sampleAdminUrl,
      `CREATE ROLE ${name} LOGIN NOINHERIT ${attributes} PASSWORD '${password}'`,
    );
    for (const role of memberOf) {
      // Through a group: the check must see indirect memberships too.
      await sql(sample.sampleAdminUrl, `CREATE ROLE ${name}_group; GRANT ${role} TO ${name}_group`);
      await sql(sample.sampleAdminUrl, `GRANT ${name}_group TO ${name}`);
    }
    await sql(
      sample.sampleAdminUrl,
      `GRANT CONNECT ON DATABASE ${database} TO ${name}; GRANT USAGE ON SCHEMA public TO ${name}; ` +
        `GRANT SELECT ON customers TO ${name}`,
    );
    return loginUrl(sample.sampleAdminUrl, name, password, database);
  }

  async function boot(readerUrl: string, writerUrl?: string) {
    const booted = await bootProvider(readerUrl, writerUrl);
    closers.push(() => booted.client.close());
    return booted;
  }

  beforeAll(async () => {
    database = `login_${randomBytes(4).toString('hex')}`;
    sample = await provisionSample(await createTestDatabase('gw'), database);
    adminPassword = decodeURIComponent(new URL(sample.sampleAdminUrl).password);
  });
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
    await sample.close();
  });
  afterEach(() => jest.restoreAllMocks());

  it('refuses a superuser DATABASE_TOOLS_URL: nothing runs, 503 naming why, health down, no secret', async () => {
    const { provider, run } = await boot(sample.sampleAdminUrl);
    const marker = join(tmpdir(), `toolgate-pwned-${randomBytes(4).toString('hex')}`);
    const copy = await run('executeQuery', `COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`);
    expect(copy).toMatchObject({
      status: 503,
      code: 'PROVIDER.UNAVAILABLE',
      detail: expect.stringMatching(/reader login \(DATABASE_TOOLS_URL\).*superuser/),
    });
    expect(existsSync(marker)).toBe(false);
    expect(await run('executeQuery', "SELECT pg_read_file('/etc/passwd')")).toMatchObject({ status: 503 });
    const health = await provider.check();
    expect(health).toEqual({ status: 'down', detail: expect.stringContaining('is a superuser') });
    expect(JSON.stringify([copy, health])).not.toContain(adminPassword);
  });

  it.each([
    ['BYPASSRLS', 'BYPASSRLS', [], /bypasses row-level security/],
    ['pg_read_server_files', '', ['pg_read_server_files'], /member of pg_read_server_files/],
    ['pg_write_server_files', '', ['pg_write_server_files'], /member of pg_write_server_files/],
    ['pg_execute_server_program', '', ['pg_execute_server_program'], /member of pg_execute_server_program/],
  ])('refuses a login with %s', async (_name, attributes, memberOf, reason) => {
    const { provider, run } = await boot(await makeLogin(attributes, memberOf));
    expect(await run('executeQuery', 'SELECT count(*) FROM customers')).toMatchObject({
      status: 503,
      detail: expect.stringMatching(reason),
    });
    await expect(provider.check()).resolves.toMatchObject({ status: 'down' });
  });

  it('refuses a superuser writer while the reader keeps working; health names the writer', async () => {
    const { provider, run } = await boot(sample.logins.readerUrl, sample.sampleAdminUrl);
    expect(await run('executeQuery', 'SELECT count(*) FROM customers')).toMatchObject({ status: 200 });
    expect(await run('executeStatement', "UPDATE customers SET name = 'x' WHERE id = 1")).toMatchObject({
      status: 503,
      detail: expect.stringMatching(/writer login \(DATABASE_TOOLS_WRITE_URL\).*superuser/),
    });
    await expect(provider.check()).resolves.toEqual({
      status: 'down',
      detail: expect.stringContaining('writer login'),
    });
  });

  it('warns of a login that may end other sessions, and still serves it', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const signaller = await boot(await makeLogin('', ['pg_signal_backend']));
    expect(await signaller.run('executeQuery', 'SELECT count(*) FROM customers')).toMatchObject({
      result: { rows: [['2000']] },
    });
    await expect(signaller.provider.check()).resolves.toEqual({
      status: 'up',
      detail: expect.stringContaining('member of pg_signal_backend'),
    });
    const url = await makeLogin();
    await sql(
      sample.sampleAdminUrl,
      `GRANT EXECUTE ON FUNCTION pg_terminate_backend(integer, bigint) TO ${new URL(url).username}`,
    );
    const terminator = await boot(url);
    await expect(terminator.provider.check()).resolves.toEqual({
      status: 'up',
      detail: expect.stringMatching(/may execute pg_terminate_backend.*other callers' queries/),
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('pg_signal_backend'));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('pg_terminate_backend'));
  });

  it('accepts the sample logins without a warning, checking each once per configuration, not per call', async () => {
    const sent = jest.spyOn(Client.prototype, 'query');
    const { provider, run } = await boot(sample.logins.readerUrl, sample.logins.writerUrl);
    for (let i = 0; i < 5; i += 1) {
      expect(await run('executeQuery', 'SELECT 1')).toMatchObject({ status: 200 });
      expect(await run('executeStatement', 'UPDATE customers SET name = name WHERE id = 1')).toMatchObject({
        status: 200,
      });
    }
    await expect(provider.check()).resolves.toEqual({ status: 'up' });
    const checks = sent.mock.calls.filter(([text]) => text === LOGIN_CHECK_SQL);
    expect(checks).toHaveLength(2);
  });
});
