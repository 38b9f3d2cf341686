import { type TruncatedBy } from './database-guard.util';
import { type DatabaseClient } from './database.client';

/** One result column: its name and Postgres type (`int4`, `text`, `timestamptz`…). */
export interface ResultColumn {
  name: string;
  data_type: string;
}

/** Answer of `database:executeQuery`: rows as arrays aligned with `columns`. */
export interface QueryAnswer {
  columns: ResultColumn[];
  rows: unknown[][];
  row_count: number;
  truncated: boolean;
  /** Why the rows were cut: `rows` (DATABASE_MAX_ROWS) or `bytes` (DATABASE_MAX_RESULT_BYTES). */
  truncated_by?: TruncatedBy;
}

/**
 * Answer of `database:executeStatement` (committed). A statement that returns rows (RETURNING) also carries
 * the first of them, cut at the same row and byte limits as `QueryAnswer`.
 */
export interface StatementAnswer {
  command: string;
  /** Rows the statement affected (from the command tag), not the number of rows shown. */
  row_count: number;
  columns?: ResultColumn[];
  rows?: unknown[][];
  truncated?: boolean;
  truncated_by?: TruncatedBy;
}

/** Where the tools connect; the variables are those a 503 names when a connection is missing or fails. */
export interface DatabaseTargets {
  /** Read-only login (secret). */
  readerUrl?: string;
  /** Writer login for executeStatement (secret). */
  writerUrl?: string;
  readerVariable: string;
  writerVariable: string;
  /** Why there is no connection (shown in the 503 and in health), never a secret. */
  reason?: string;
}

/** Who runs a statement and until when. */
export interface CallBudget {
  toolId: string;
  /** Epoch ms of the call's deadline. */
  deadlineAt: number;
}

/** A connection of the gateway's own (admin) role, used only to provision the sample database. */
export interface AdminSession {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

/** What the tools need: the client (all I/O) and the schema they describe. */
export interface DatabaseToolDeps {
  client: DatabaseClient;
  schema: string;
}
