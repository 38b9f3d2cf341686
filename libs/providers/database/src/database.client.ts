import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { Client, Pool, type PoolClient } from 'pg';

import { ProviderTimeoutException } from '@toolgate/core';

import { SafeCursor, StatementCursor } from './database-cursor.util';
import {
  readCapped,
  refuseNul,
  remainingMs,
  RowCollector,
  statementTimeoutFor,
  toDomainError,
  unconfigured,
  watchBytes,
  withinDeadline,
} from './database-guard.util';
import { LoginChecks, type LoginVerdict } from './database-login.util';
import {
  configuredRoles,
  localLimitsSql,
  poolConfig,
  type Role,
  rollbackAndReseedSql,
  socketCap,
  targetOf,
} from './database-session.util';
import {
  copyRefused,
  DATABASE_PROVIDER_KEY,
  DatabaseQueryException,
  DatabaseResultTooLargeException,
  loginRefused,
} from './database.exception';
import { databaseToolsConfig, TOOLS_URL_ENV } from './database.config';
import {
  type AdminSession,
  type CallBudget,
  type DatabaseTargets,
  type QueryAnswer,
  type StatementAnswer,
} from './database.types';

/**
 * All I/O of provider `database`: one small pg pool per login (reader, writer), each login checked once per
 * configuration (`judgeLogin`), the guarded query and statement paths, and admin sessions for provisioning.
 * The walls are the login's privileges and the transaction, never the SQL text: a read-only repeatable-read
 * transaction with its snapshot taken, `SET LOCAL statement_timeout`, a cursor read under row and byte caps,
 * always rolled back, then `DISCARD ALL` (and a new random seed), so nothing a statement left in the session
 * reaches the next call. User SQL only goes through the extended protocol (one statement per text).
 */
@Injectable()
export class DatabaseClient implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DatabaseTools');
  private targets: DatabaseTargets = { readerVariable: TOOLS_URL_ENV, writerVariable: TOOLS_URL_ENV };
  private readonly pools: Partial<Record<Role, Pool>> = {};
  private readonly logins = new LoginChecks<Role>(
    (role) => this.pool(role),
    (role) => `the ${role} login (${this.variableOf(role)})`,
  );

  constructor(
    @Inject(databaseToolsConfig.KEY) private readonly config: ConfigType<typeof databaseToolsConfig>,
  ) {}

  /**
   * Points the pools at new targets (closing the old ones) and starts checking their logins in the
   * background: the boot does not wait for a slow server, calls wait for the verdict.
   */
  async configure(targets: DatabaseTargets): Promise<void> {
    await this.close();
    this.targets = targets;
    for (const role of configuredRoles(targets)) void this.logins.verdict(role).catch(() => undefined);
  }

  /** Whether a reader connection is configured, and why not. */
  status(): { configured: boolean; variable: string; reason?: string } {
    const { readerUrl, readerVariable, reason } = this.targets;
    return { configured: readerUrl !== undefined, variable: readerVariable, reason };
  }

  /** Verdicts on the configured logins, waited for until the deadline; one not checked by then is left out. */
  loginVerdicts(budget: CallBudget): Promise<LoginVerdict[]> {
    return this.logins.settled(configuredRoles(this.targets), remainingMs(budget.deadlineAt));
  }

  /** Runs one user statement read-only and returns its first rows under the row and byte caps. */
  async query(sql: string, params: unknown[], budget: CallBudget): Promise<QueryAnswer> {
    refuseNul(sql);
    return this.withSession('reader', budget, async (client, timeoutMs) => {
      await client.query(
        `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${localLimitsSql(timeoutMs, this.config)}; SELECT 1`,
      );
      const guard = watchBytes(client.connection.stream, socketCap(this.config));
      try {
        const cursor = client.query(new SafeCursor(sql, params));
        const capped = await readCapped((count) => cursor.readRows(count), this.limits(), guard.exceeded);
        // A connection the guard cut cannot close its cursor; the session wrapper destroys it.
        if (!guard.exceeded()) await cursor.close();
        if (cursor.copyRefused) throw copyRefused(budget.toolId);
        return { columns: cursor.columns, ...capped, row_count: capped.rows.length };
      } finally {
        guard.stop();
      }
    });
  }

  /**
   * Runs one user statement as the writer in its own transaction, committed; returns the command tag's row
   * count and, when the statement returns rows (RETURNING), the first of them under the same caps as `query`.
   */
  async statement(sql: string, params: unknown[], budget: CallBudget): Promise<StatementAnswer> {
    refuseNul(sql);
    return this.withSession('writer', budget, async (client, timeoutMs) => {
      await client.query(
        `BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE; ${localLimitsSql(timeoutMs, this.config)}`,
      );
      // A cursor, not `client.query(text)`: pg would keep every returned row. The cursor always uses the
      // extended protocol, which refuses `a; b` (the simple one would run both).
      const cursor = new StatementCursor(sql, params, new RowCollector(this.limits()));
      const guard = watchBytes(client.connection.stream, socketCap(this.config));
      try {
        await client.query(cursor).run();
      } catch (error) {
        if (!guard.exceeded() && !cursor.copyRefused) throw error;
      } finally {
        guard.stop();
      }
      if (cursor.copyRefused) throw copyRefused(budget.toolId);
      // The connection is cut before COMMIT was sent: the server rolls the transaction back.
      if (guard.exceeded()) throw new DatabaseResultTooLargeException(budget.toolId, socketCap(this.config));
      await client.query('COMMIT');
      const answer = { command: cursor.command, row_count: cursor.rowCount };
      return cursor.fields.length ? { ...answer, columns: cursor.columns, ...cursor.kept.result() } : answer;
    });
  }

  /** A trivial read-only round trip through the reader pool (health). */
  async ping(budget: CallBudget): Promise<void> {
    await this.query('SELECT 1', [], budget);
  }

  /** Runs `work` on a dedicated connection of the gateway's own role (provisioning only); always closed. */
  async withAdmin<T>(url: string, work: (session: AdminSession) => Promise<T>): Promise<T> {
    const client = new Client({
      connectionString: url,
      connectionTimeoutMillis: 5_000,
      application_name: 'toolgate-database-tools-provisioning',
    });
    client.on('error', (error) => this.logger.warn(`Provisioning connection lost: ${error.message}`));
    await client.connect();
    try {
      return await work({ query: async (text, params) => (await client.query(text, params)).rows });
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const pools = Object.values(this.pools);
    delete this.pools.reader;
    delete this.pools.writer;
    this.logins.forget();
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  }

  /** Closes the pools before any module's shutdown hook stops the embedded Postgres. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Runs `work` on a pooled session, always reset after; a session that cannot be reset is destroyed. */
  private async withSession<T>(
    role: Role,
    budget: CallBudget,
    work: (client: PoolClient, timeoutMs: number) => Promise<T>,
  ): Promise<T> {
    const { client, timeoutMs } = await this.acquire(role, budget);
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(client, timeoutMs);
    } catch (error) {
      // Anything that is not a server error (cut socket, protocol surprise) may leave the session unusable.
      if (!(error instanceof DatabaseQueryException) && !(error as { code?: unknown }).code) {
        broken ??= error instanceof Error ? error : new Error(String(error));
      }
      throw toDomainError(error, budget.toolId, this.variableOf(role));
    } finally {
      // Two round trips: DISCARD ALL refuses to share one with the ROLLBACK.
      await client
        .query(rollbackAndReseedSql())
        .then(() => client.query('DISCARD ALL'))
        .catch((error: Error) => (broken ??= error));
      client.off('error', onError);
      client.release(broken ?? undefined);
    }
  }

  /**
   * A session of `role`'s pool once its login passed the check, waited for until the call's deadline, and
   * the statement timeout left after that wait. Past the deadline: 504 without running anything (a session
   * that arrives later goes back to the pool).
   */
  private async acquire(role: Role, budget: CallBudget): Promise<{ client: PoolClient; timeoutMs: number }> {
    const waitMs = remainingMs(budget.deadlineAt);
    if (waitMs < 1) throw new ProviderTimeoutException(DATABASE_PROVIDER_KEY, budget.toolId);
    const pool = this.pool(role);
    const session = this.logins.verdict(role).then((verdict) => {
      if (verdict.refused) throw loginRefused(this.variableOf(role), verdict.refused);
      return pool.connect();
    });
    const client = await withinDeadline(session, waitMs, (late) => late.release()).catch((error: unknown) => {
      throw toDomainError(error, budget.toolId, this.variableOf(role));
    });
    const timeoutMs = statementTimeoutFor(this.config.statementTimeoutMs, budget.deadlineAt);
    if (client && timeoutMs >= 1) return { client, timeoutMs };
    client?.release();
    throw new ProviderTimeoutException(DATABASE_PROVIDER_KEY, budget.toolId);
  }

  private pool(role: Role): Pool {
    const existing = this.pools[role];
    if (existing) return existing;
    const { url, variable } = targetOf(this.targets, role);
    if (!url) throw unconfigured(variable, this.targets.reason);
    const pool = new Pool(poolConfig(role, url, this.config));
    pool.on('error', (error) => this.logger.warn(`Idle ${role} connection lost: ${error.message}`));
    this.pools[role] = pool;
    return pool;
  }

  private variableOf(role: Role): string {
    return targetOf(this.targets, role).variable;
  }

  private limits() {
    return { maxRows: this.config.maxRows, maxBytes: this.config.maxResultBytes };
  }
}
