import { randomBytes } from 'node:crypto';

import { type PoolConfig } from 'pg';

import { keepErrorsFromCrashing } from '@toolgate/database';

import { type DatabaseToolsConfig } from './database.config';
import { type DatabaseTargets } from './database.types';

export type Role = 'reader' | 'writer';

/** The login URL of `role` (secret) and the variable a 503 names for it. */
export function targetOf(targets: DatabaseTargets, role: Role): { url?: string; variable: string } {
  return role === 'reader'
    ? { url: targets.readerUrl, variable: targets.readerVariable }
    : { url: targets.writerUrl, variable: targets.writerVariable };
}

/** The roles with a login URL. */
export function configuredRoles(targets: DatabaseTargets): Role[] {
  return (['reader', 'writer'] as const).filter((role) => targetOf(targets, role).url !== undefined);
}

/** Socket bytes allowed per query beyond the JSON result cap (protocol overhead, one oversized row). */
const SOCKET_SLACK_BYTES = 1 << 20;

/** The pool of one login: small, with the session defaults as a second wall (the role settings are the third). */
export function poolConfig(role: Role, url: string, config: DatabaseToolsConfig): PoolConfig {
  return {
    connectionString: url,
    max: role === 'reader' ? config.poolSize : Math.max(1, Math.ceil(config.poolSize / 2)),
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 3_000,
    onConnect: keepErrorsFromCrashing,
    application_name: `toolgate-database-tools-${role}`,
    options: [
      `-c statement_timeout=${config.statementTimeoutMs}`,
      `-c idle_in_transaction_session_timeout=${idleInTransactionMs(config)}`,
      `-c lock_timeout=${config.statementTimeoutMs}`,
      ...(role === 'reader' ? ['-c default_transaction_read_only=on'] : []),
    ].join(' '),
  };
}

/** The limits of one transaction. Our own constant text with integers only: safe in the simple protocol. */
export function localLimitsSql(timeoutMs: number, config: DatabaseToolsConfig): string {
  return (
    `SET LOCAL statement_timeout = ${timeoutMs}; ` +
    `SET LOCAL idle_in_transaction_session_timeout = ${idleInTransactionMs(config)}`
  );
}

/**
 * Ends the call's transaction and reseeds `random()` from Node's CSPRNG, in one round trip: `DISCARD ALL`
 * (sent next, alone: it refuses to run in a multi-statement text) keeps the seed a caller set with `setseed`.
 * The seed is a fixed-point number in [-1, 1) from 48 random bits.
 */
export function rollbackAndReseedSql(): string {
  const seed = (randomBytes(6).readUIntBE(0, 6) / 2 ** 48) * 2 - 1;
  return `ROLLBACK; SELECT setseed(${seed.toFixed(15)})`;
}

/** Socket bytes one call may receive before its connection is cut (see `watchBytes`). */
export function socketCap(config: DatabaseToolsConfig): number {
  return config.maxResultBytes * 2 + SOCKET_SLACK_BYTES;
}

function idleInTransactionMs(config: DatabaseToolsConfig): number {
  return Math.max(1_000, config.statementTimeoutMs);
}
