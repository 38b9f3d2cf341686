import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { Client, Pool, type PoolClient } from 'pg';

import { ProviderTimeoutException } from '@toolgate/core';

import { SafeCursor, StatementCursor } from './database-cursor.util';
import {
  readCapped,
  RowCollector,
  statementTimeoutFor,
  toDomainError,
  unconfigured,
  watchBytes,
} from './database-guard.util';
import {
  copyRefused,
  DATABASE_PROVIDER_KEY,
  DatabaseQueryException,
  DatabaseResultTooLargeException,
} from './database.exception';
import { databaseToolsConfig, TOOLS_URL_ENV } from './database.config';
import {
  type AdminSession,
  type CallBudget,
  type DatabaseTargets,
  type QueryAnswer,
  type StatementAnswer,
} from './database.types';

type Role = 'reader' | 'writer';

/** Socket bytes allowed per query beyond the JSON result cap (protocol overhead, one oversized row). */
const SOCKET_SLACK_BYTES = 1 << 20;

/**
 * All I/O of provider `database`: one small pg pool per login (reader, writer), the guarded query and
 * statement paths, and admin sessions for provisioning. The walls are the login's privileges and the
 * transaction, never the SQL text: a read-only repeatable-read transaction with its snapshot taken,
 * `SET LOCAL statement_timeout`, a cursor read under row and byte caps, always rolled back, then
 * `DISCARD ALL` so nothing a statement left in the session (prepared statements, advisory locks,
 * settings, LISTEN) reaches the next call. User SQL only ever goes through the extended protocol, which
 * refuses several statements in one text.
 */
@Injectable()
export class DatabaseClient implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DatabaseTools');
  private targets: DatabaseTargets = { readerVariable: TOOLS_URL_ENV, writerVariable: TOOLS_URL_ENV };
  private readonly pools: Partial<Record<Role, Pool>> = {};

  constructor(
    @Inject(databaseToolsConfig.KEY) private readonly config: ConfigType<typeof databaseToolsConfig>,
  ) {}

  /** Points the pools at new targets (closing the old ones). */
  async configure(targets: DatabaseTargets): Promise<void> {
    await this.close();
    this.targets = targets;
  }

  /** Whether a reader connection is configured, and why not. */
  status(): { configured: boolean; variable: string; reason?: string } {
    const { readerUrl, readerVariable, reason } = this.targets;
    return { configured: readerUrl !== undefined, variable: readerVariable, reason };
  }

  /** Runs one user statement read-only and returns its first rows under the row and byte caps. */
  async query(sql: string, params: unknown[], budget: CallBudget): Promise<QueryAnswer> {
    const timeoutMs = this.timeoutFor(budget);
    return this.withSession('reader', budget, async (client) => {
      await client.query(
        `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${this.localLimits(timeoutMs)}; SELECT 1`,
      );
      const guard = watchBytes(client.connection.stream, this.socketCap());
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
    const timeoutMs = this.timeoutFor(budget);
    return this.withSession('writer', budget, async (client) => {
      await client.query(`BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE; ${this.localLimits(timeoutMs)}`);
      // A cursor, not `client.query(text)`: pg would keep every returned row. The cursor always uses the
      // extended protocol, which refuses `a; b` (the simple one would run both).
      const cursor = new StatementCursor(sql, params, new RowCollector(this.limits()));
      const guard = watchBytes(client.connection.stream, this.socketCap());
      try {
        await client.query(cursor).run();
      } catch (error) {
        if (!guard.exceeded() && !cursor.copyRefused) throw error;
      } finally {
        guard.stop();
      }
      if (cursor.copyRefused) throw copyRefused(budget.toolId);
      // The connection is cut before COMMIT was sent: the server rolls the transaction back.
      if (guard.exceeded()) throw new DatabaseResultTooLargeException(budget.toolId, this.socketCap());
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
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  }

  /** Closes the pools before any module's shutdown hook stops the embedded Postgres. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async withSession<T>(
    role: Role,
    budget: CallBudget,
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    const variable = role === 'reader' ? this.targets.readerVariable : this.targets.writerVariable;
    const pool = this.pool(role);
    const client = await pool.connect().catch((error: unknown) => {
      throw toDomainError(error, budget.toolId, variable);
    });
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      // Anything that is not a server error (cut socket, protocol surprise) may leave the session unusable.
      if (!(error instanceof DatabaseQueryException) && !(error as { code?: unknown }).code) {
        broken ??= error instanceof Error ? error : new Error(String(error));
      }
      throw toDomainError(error, budget.toolId, variable);
    } finally {
      await this.reset(client).catch((error: Error) => (broken ??= error));
      client.off('error', onError);
      client.release(broken ?? undefined);
    }
  }

  /** Ends the transaction and wipes session state; a session that cannot be reset is destroyed. */
  private async reset(client: PoolClient): Promise<void> {
    await client.query('ROLLBACK');
    await client.query('DISCARD ALL');
  }

  private pool(role: Role): Pool {
    const existing = this.pools[role];
    if (existing) return existing;
    const url = role === 'reader' ? this.targets.readerUrl : this.targets.writerUrl;
    if (!url) {
      throw unconfigured(
        role === 'reader' ? this.targets.readerVariable : this.targets.writerVariable,
        this.targets.reason,
      );
    }
    const pool = new Pool({
      connectionString: url,
      max: role === 'reader' ? this.config.poolSize : Math.max(1, Math.ceil(this.config.poolSize / 2)),
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 3_000,
      application_name: `toolgate-database-tools-${role}`,
      // Session defaults as a second wall (the role's own settings are the third).
      options: [
        `-c statement_timeout=${this.config.statementTimeoutMs}`,
        `-c idle_in_transaction_session_timeout=${this.idleInTransactionMs()}`,
        `-c lock_timeout=${this.config.statementTimeoutMs}`,
        ...(role === 'reader' ? ['-c default_transaction_read_only=on'] : []),
      ].join(' '),
    });
    pool.on('error', (error) => this.logger.warn(`Idle ${role} connection lost: ${error.message}`));
    this.pools[role] = pool;
    return pool;
  }

  private timeoutFor(budget: CallBudget): number {
    const timeoutMs = statementTimeoutFor(this.config.statementTimeoutMs, budget.deadlineAt);
    if (timeoutMs < 1) throw new ProviderTimeoutException(DATABASE_PROVIDER_KEY, budget.toolId);
    return timeoutMs;
  }

  /** Our own constant text with integers only: safe to send through the simple protocol. */
  private localLimits(timeoutMs: number): string {
    return (
      `SET LOCAL statement_timeout = ${timeoutMs}; ` +
      `SET LOCAL idle_in_transaction_session_timeout = ${this.idleInTransactionMs()}`
    );
  }

  private idleInTransactionMs(): number {
    return Math.max(1_000, this.config.statementTimeoutMs);
  }

  /** Socket bytes one call may receive before its connection is cut (see `watchBytes`). */
  private socketCap(): number {
    return this.config.maxResultBytes * 2 + SOCKET_SLACK_BYTES;
  }

  private limits() {
    return { maxRows: this.config.maxRows, maxBytes: this.config.maxResultBytes };
  }
}
