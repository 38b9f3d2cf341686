import { type Duplex } from 'node:stream';

import {
  DomainException,
  ProviderTimeoutException,
  ProviderUnavailableException,
  ProviderUnconfiguredException,
} from '@toolgate/core';

import { DATABASE_PROVIDER_KEY, DatabaseQueryException } from './database.exception';
import { jsonValue } from './database-values.util';

/** Head room left between the statement timeout and the call's deadline, so Postgres answers first. */
const DEADLINE_MARGIN_MS = 50;

/**
 * SQLSTATEs meaning "the server or the login is the problem", not the statement: 503. Not 08P01 (protocol
 * violation): the caller's own doing (a parameter count that does not match the placeholders).
 */
const UNAVAILABLE_SQLSTATE = /^(08(?!P01)|28|3D|57P|53300)/;

/** Longest database message or hint a 422 repeats (a message can quote a whole value). */
export const MAX_ERROR_TEXT = 4_096;

export interface ResultLimits {
  maxRows: number;
  maxBytes: number;
}

export type TruncatedBy = 'rows' | 'bytes';

export interface CappedRows {
  rows: unknown[][];
  truncated: boolean;
  truncated_by?: TruncatedBy;
}

/** Statement timeout of one call: the configured one, shortened to end before the call's deadline. */
export function statementTimeoutFor(configuredMs: number, deadlineAt: number, now = Date.now()): number {
  return Math.floor(Math.min(configuredMs, deadlineAt - now - DEADLINE_MARGIN_MS));
}

/** Remaining ms before the call's deadline, less the margin left for Postgres to answer first. */
export function remainingMs(deadlineAt: number, now = Date.now()): number {
  return statementTimeoutFor(Number.POSITIVE_INFINITY, deadlineAt, now);
}

/**
 * `work` if it settles within `ms`, else `undefined`; a value that arrives later goes to `late` (a pooled
 * connection to release), a late failure is dropped.
 */
export async function withinDeadline<T>(
  work: Promise<T>,
  ms: number,
  late: (value: T) => void,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(
      () => {
        expired = true;
        resolve(undefined);
      },
      Math.max(0, ms),
    );
  });
  work.then(
    (value) => {
      if (expired) late(value);
    },
    () => undefined,
  );
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Keeps rows as JSON values until `maxRows` rows are kept or their JSON size would pass `maxBytes`; every
 * row offered after that is dropped and the result is marked cut.
 */
export class RowCollector {
  readonly rows: unknown[][] = [];
  private bytes = 2;
  private cutBy?: TruncatedBy;

  constructor(private readonly limits: ResultLimits) {}

  /** Whether rows are still kept (false once a cap was reached). */
  get open(): boolean {
    return this.cutBy === undefined;
  }

  /** Keeps one row, or marks the result cut when the row would pass a cap. */
  add(raw: unknown[]): void {
    if (this.cutBy) return;
    if (this.rows.length === this.limits.maxRows) return this.cut('rows');
    const row = raw.map(jsonValue);
    this.bytes += Buffer.byteLength(JSON.stringify(row)) + 1;
    if (this.bytes > this.limits.maxBytes) return this.cut('bytes');
    this.rows.push(row);
  }

  cut(by: TruncatedBy): void {
    this.cutBy ??= by;
  }

  result(): CappedRows {
    const { rows, cutBy } = this;
    return cutBy ? { rows, truncated: true, truncated_by: cutBy } : { rows, truncated: false };
  }
}

/**
 * Reads rows in batches until the source is exhausted, `maxRows` rows are kept (one more is read to know
 * whether the result was cut) or the JSON size of the kept rows would pass `maxBytes`. When the connection
 * was cut because too many bytes arrived (`overflowed()`), the rows kept so far are the answer.
 */
export async function readCapped(
  read: (count: number) => Promise<unknown[][]>,
  limits: ResultLimits,
  overflowed: () => boolean = () => false,
): Promise<CappedRows> {
  const kept = new RowCollector(limits);
  for (;;) {
    let batch: unknown[][];
    try {
      batch = await read(Math.min(500, limits.maxRows + 1 - kept.rows.length));
    } catch (error) {
      if (!overflowed()) throw error;
      kept.cut('bytes');
      return kept.result();
    }
    if (batch.length === 0) return kept.result();
    for (const raw of batch) {
      kept.add(raw);
      if (!kept.open) return kept.result();
    }
  }
}

/**
 * Counts the bytes arriving on a connection's socket and destroys it past `cap`, so one huge row cannot
 * fill the gateway's memory before the row cap is even checked. Returns a handle to stop watching.
 */
export function watchBytes(stream: Duplex, cap: number): { exceeded(): boolean; stop(): void } {
  let received = 0;
  let exceeded = false;
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > cap && !exceeded) {
      exceeded = true;
      stream.destroy();
    }
  };
  stream.on('data', onData);
  return { exceeded: () => exceeded, stop: () => stream.off('data', onData) };
}

interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  position?: unknown;
  hint?: unknown;
  detail?: unknown;
}

const sqlstateOf = (error: unknown): string | undefined => {
  const code = (error as PgErrorLike | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** Whether a failure is the server's or the login's (503), not the statement's: no SQLSTATE, or an 08/28… one. */
export function isUnavailable(error: unknown): boolean {
  const sqlstate = sqlstateOf(error);
  return !sqlstate || UNAVAILABLE_SQLSTATE.test(sqlstate);
}

/** `text` cut to `max` characters (never inside a surrogate pair), saying how much was cut. */
export function capText(text: string, max = MAX_ERROR_TEXT): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return `${text.slice(0, end)}… [${text.length - end} more characters cut]`;
}

/** Postgres takes no NUL character in statement text (the protocol ends strings there): 422 before sending. */
export function refuseNul(sql: string): void {
  if (sql.includes('\u0000')) {
    throw new DatabaseQueryException(
      'The SQL text contains a NUL character (\\u0000), which Postgres does not accept; remove it.',
      '22021',
    );
  }
}

/**
 * Maps a failure of the tools database to the gateway's answer: statement timeout 504, server or login
 * problems 503 naming the variable to set, any other SQLSTATE 422 with the database's own message;
 * anything without a SQLSTATE (refused connection, cut socket) 503.
 */
export function toDomainError(error: unknown, toolId: string, variable: string): DomainException {
  if (error instanceof DomainException) return error;
  const sqlstate = sqlstateOf(error);
  const pg = (error ?? {}) as PgErrorLike;
  if (sqlstate === '57014') {
    return new ProviderTimeoutException(DATABASE_PROVIDER_KEY, toolId, {
      cause: error,
      extensions: { sqlstate },
    });
  }
  if (sqlstate && !isUnavailable(error)) {
    const extensions: Record<string, unknown> = {};
    if (typeof pg.position === 'string') extensions.position = Number(pg.position);
    if (typeof pg.hint === 'string') extensions.hint = capText(pg.hint);
    return new DatabaseQueryException(capText(String(pg.message)), sqlstate, { cause: error, extensions });
  }
  return new ProviderUnavailableException(
    DATABASE_PROVIDER_KEY,
    `The tools database is unreachable or refused the login; check ${variable}.`,
    { cause: error, extensions: { missing: [variable], ...(sqlstate ? { sqlstate } : {}) } },
  );
}

/** 503 naming the variable when no connection is configured (or provisioning failed). */
export function unconfigured(variable: string, reason?: string): ProviderUnconfiguredException {
  return new ProviderUnconfiguredException(
    DATABASE_PROVIDER_KEY,
    [variable],
    reason ? { extensions: { reason } } : {},
  );
}
