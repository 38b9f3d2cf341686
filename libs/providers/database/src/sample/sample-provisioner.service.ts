import { join } from 'node:path';

import { Inject, Injectable } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { DatabaseClient } from '../database.client';
import { databaseToolsConfig } from '../database.config';
import { type AdminSession } from '../database.types';
import { derivationSecret, derivePassword, loginUrl, scramVerifier } from './sample-credentials.util';
import {
  grantsSql,
  ident,
  RISKY_FUNCTIONS,
  RISKY_VIEWS,
  roleSettingsSql,
  sampleDatasetSql,
  SAMPLE_TABLES,
} from './sample-dataset.util';

/** Serialises provisioners of one sample database (advisory locks are per database: all take it there). */
const PROVISION_LOCK_KEY = 7_460_117_301;

export interface SampleLogins {
  readerUrl: string;
  writerUrl: string;
  reader: string;
  writer: string;
  /** Whether this run created the dataset (first start) rather than finding it. */
  created: boolean;
}

/** The admin role may not create the sample database and its logins. */
export class ProvisioningRefusedError extends Error {}

/**
 * Creates the sample database on the gateway's own server, fills it on first start, and (re)applies its two
 * logins, their passwords, privileges and settings on every start. Idempotent and safe when several gateways
 * boot at once: `CREATE DATABASE` races are tolerated and the rest runs in one transaction under an advisory
 * lock taken in the sample database itself.
 */
@Injectable()
export class SampleProvisioner {
  constructor(
    private readonly client: DatabaseClient,
    @Inject(databaseToolsConfig.KEY) private readonly config: ConfigType<typeof databaseToolsConfig>,
  ) {}

  /** `adminUrl`: the gateway's own database with its own (privileged) role. */
  async provision(adminUrl: string): Promise<SampleLogins> {
    const database = this.config.sampleDatabase;
    const superuser = await this.client.withAdmin(adminUrl, (session) =>
      this.ensureDatabase(session, database),
    );
    const secret = await derivationSecret(adminUrl, join(this.config.runtimeDir, 'database-tools.secret'));
    const logins = { reader: `${database}_reader`, writer: `${database}_writer` };
    const created = await this.client.withAdmin(withDatabase(adminUrl, database), (session) =>
      this.locked(session, () => this.provisionInside(session, logins, secret, superuser)),
    );
    return {
      ...logins,
      created,
      readerUrl: loginUrl(adminUrl, logins.reader, derivePassword(secret, logins.reader), database),
      writerUrl: loginUrl(adminUrl, logins.writer, derivePassword(secret, logins.writer), database),
    };
  }

  /** Checks the admin role's rights and creates the database when missing; returns whether it is superuser. */
  private async ensureDatabase(session: AdminSession, database: string): Promise<boolean> {
    const [me] = await session.query<{ rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
      'SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user',
    );
    if (!me?.rolsuper && !(me?.rolcreatedb && me?.rolcreaterole)) {
      throw new ProvisioningRefusedError(
        'the gateway database role may not create databases and roles (needs SUPERUSER or CREATEDB + CREATEROLE)',
      );
    }
    const found = await session.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.length === 0) {
      await session.query(`CREATE DATABASE ${ident(database)}`).catch((error: { code?: string }) => {
        // Another gateway created it between our check and our CREATE.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
    return me.rolsuper;
  }

  private async locked<T>(session: AdminSession, work: () => Promise<T>): Promise<T> {
    await session.query("SET lock_timeout = '30s'");
    await session.query('SELECT pg_advisory_lock($1)', [PROVISION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [PROVISION_LOCK_KEY]).catch(() => undefined);
    }
  }

  private async provisionInside(
    session: AdminSession,
    logins: { reader: string; writer: string },
    secret: string,
    superuser: boolean,
  ): Promise<boolean> {
    const { sampleDatabase: database, schema } = this.config;
    await session.query('BEGIN');
    try {
      for (const role of [logins.reader, logins.writer]) {
        await this.ensureLogin(session, role, derivePassword(secret, role), superuser);
      }
      const [{ missing }] = await session.query<{ missing: boolean }>(
        `SELECT bool_or(to_regclass(format('%I.%I', $1::text, t)) IS NULL) AS missing FROM unnest($2::text[]) AS t`,
        [schema, [...SAMPLE_TABLES]],
      );
      if (missing) await session.query(sampleDatasetSql(schema));
      await session.query(grantsSql(database, schema, logins.reader, logins.writer));
      if (superuser) await this.revokeRiskyFunctions(session);
      const [{ version }] = await session.query<{ version: number }>(
        "SELECT current_setting('server_version_num')::int AS version",
      );
      for (const [role, readOnly] of [
        [logins.reader, true],
        [logins.writer, false],
      ] as const) {
        const settings = {
          statementTimeoutMs: this.config.statementTimeoutMs,
          readOnly,
          connectionCheck: version >= 140000,
          superuser,
        };
        await session.query(roleSettingsSql(role, database, schema, settings));
      }
      await session.query('COMMIT');
      if (missing)
        await session.query(`ANALYZE ${SAMPLE_TABLES.map((t) => `${ident(schema)}.${ident(t)}`).join(', ')}`);
      return missing;
    } catch (error) {
      await session.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Creates the login when missing; always resets its attributes, password and memberships. */
  private async ensureLogin(
    session: AdminSession,
    role: string,
    password: string,
    superuser: boolean,
  ): Promise<void> {
    const exists = await session.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (exists.length === 0) await session.query(`CREATE ROLE ${ident(role)} LOGIN NOINHERIT`);
    const attributes = superuser
      ? 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT LOGIN'
      : 'NOINHERIT LOGIN';
    // A SCRAM verifier, not the password: the plaintext never appears in SQL (nor in server logs).
    const verifier = scramVerifier(password).replace(/'/g, "''");
    await session.query(
      `ALTER ROLE ${ident(role)} WITH ${attributes} CONNECTION LIMIT 20 PASSWORD '${verifier}'`,
    );
    if (!superuser) return;
    const memberships = await session.query<{ granted: string }>(
      'SELECT roleid::regrole::text AS granted FROM pg_auth_members WHERE member = $1::regrole',
      [role],
    );
    for (const { granted } of memberships) await session.query(`REVOKE ${granted} FROM ${ident(role)}`);
  }

  /** In the sample database: PUBLIC loses the functions and views that let one caller reach another. */
  private async revokeRiskyFunctions(session: AdminSession): Promise<void> {
    const functions = await session.query<{ signature: string }>(
      `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
       WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname = ANY($1)`,
      [RISKY_FUNCTIONS],
    );
    const list = functions.map((fn) => `pg_catalog.${fn.signature}`).join(', ');
    if (list) await session.query(`REVOKE EXECUTE ON FUNCTION ${list} FROM PUBLIC`);
    const views = RISKY_VIEWS.map((view) => `pg_catalog.${ident(view)}`).join(', ');
    await session.query(`REVOKE SELECT ON ${views} FROM PUBLIC`);
  }
}

/** The admin connection into the sample database (same login as `adminUrl`). */
function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
