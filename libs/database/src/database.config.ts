import { registerAs } from '@nestjs/config';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

import { EnvBoolean, EnvInt, IsParsableUrl, validateEnv } from '@toolgate/config';

export class DatabaseEnv {
  @IsOptional()
  @IsParsableUrl(['postgres:', 'postgresql:'])
  DATABASE_URL?: string;

  @IsOptional()
  @EnvBoolean()
  @IsBoolean()
  DATABASE_RUN_MIGRATIONS?: boolean;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @IsString()
  RUNTIME_DIR = '.runtime';
}

export interface DatabaseConfig {
  /** Unset: the gateway starts an embedded Postgres under `<runtimeDir>/postgres`. */
  url?: string;
  runMigrations: boolean;
  poolSize: number;
  embeddedPort: number;
  embeddedDir: string;
}

export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const e = validateEnv(DatabaseEnv, env);
  return {
    url: e.DATABASE_URL,
    runMigrations: e.DATABASE_RUN_MIGRATIONS ?? !e.DATABASE_URL,
    poolSize: e.DATABASE_POOL_SIZE,
    embeddedPort: e.EMBEDDED_PG_PORT,
    embeddedDir: `${e.RUNTIME_DIR}/postgres`,
  };
}

export const databaseConfig = registerAs('database', () => loadDatabaseConfig());
