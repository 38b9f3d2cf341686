import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

import { EnvInt, validateEnv } from '@toolgate/config';

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;
const POSTGRES_URL_MESSAGE = { message: '$property must be a postgres:// or postgresql:// URL' };

/** The variable to set when the tools database cannot be reached or provisioned (named in 503s). */
export const TOOLS_URL_ENV = 'DATABASE_TOOLS_URL';
/** The variable holding the writer connection of `executeStatement` when `DATABASE_TOOLS_URL` is set. */
export const TOOLS_WRITE_URL_ENV = 'DATABASE_TOOLS_WRITE_URL';

export class DatabaseToolsEnv {
  /** Read-only login of the tools database. Unset: a sample database is provisioned on the gateway's server. */
  @IsOptional()
  @Matches(POSTGRES_URL, POSTGRES_URL_MESSAGE)
  DATABASE_TOOLS_URL?: string;

  /** Writer login for `database:executeStatement` (only read when `DATABASE_TOOLS_URL` is set). */
  @IsOptional()
  @Matches(POSTGRES_URL, POSTGRES_URL_MESSAGE)
  DATABASE_TOOLS_WRITE_URL?: string;

  /** Name of the provisioned sample database; its roles are `<name>_reader` and `<name>_writer`. */
  @Matches(/^[a-z_][a-z0-9_]{0,48}$/, { message: '$property must be a lowercase identifier (≤ 49 chars)' })
  DATABASE_TOOLS_SAMPLE_DB = 'toolgate_sample';

  /** The schema `listTables` and `getSchema` describe. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: '$property must be a lowercase identifier' })
  DATABASE_TOOLS_SCHEMA = 'public';

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  DATABASE_MAX_ROWS = 1000;

  @EnvInt()
  @IsInt()
  @Min(1024)
  @Max(100_000_000)
  DATABASE_MAX_RESULT_BYTES = 5_000_000;

  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 5000;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(50)
  DATABASE_TOOLS_POOL_SIZE = 4;

  @IsString()
  RUNTIME_DIR = '.runtime';
}

export interface DatabaseToolsConfig {
  /** Secret (credentials inside): never log. */
  url?: string;
  /** Secret (credentials inside): never log. */
  writeUrl?: string;
  sampleDatabase: string;
  schema: string;
  maxRows: number;
  maxResultBytes: number;
  statementTimeoutMs: number;
  poolSize: number;
  runtimeDir: string;
}

export function loadDatabaseToolsConfig(env: NodeJS.ProcessEnv = process.env): DatabaseToolsConfig {
  const e = validateEnv(DatabaseToolsEnv, env);
  return {
    url: e.DATABASE_TOOLS_URL,
    writeUrl: e.DATABASE_TOOLS_WRITE_URL,
    sampleDatabase: e.DATABASE_TOOLS_SAMPLE_DB,
    schema: e.DATABASE_TOOLS_SCHEMA,
    maxRows: e.DATABASE_MAX_ROWS,
    maxResultBytes: e.DATABASE_MAX_RESULT_BYTES,
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    poolSize: e.DATABASE_TOOLS_POOL_SIZE,
    runtimeDir: e.RUNTIME_DIR,
  };
}

export const databaseToolsConfig = registerAs('databaseTools', () => loadDatabaseToolsConfig());
