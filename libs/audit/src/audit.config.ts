import { isAbsolute, resolve } from 'node:path';

import { registerAs } from '@nestjs/config';
import { IsBoolean, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

import { EnvBoolean, EnvInt, validateEnv } from '@toolgate/config';

export class AuditEnv {
  /** `false` turns the audit trail off entirely: for benchmarking only, never in production. */
  @EnvBoolean()
  @IsBoolean()
  AUDIT_ENABLED = true;

  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  AUDIT_WORM_DIR = '.audit';

  /** Most events one flush (one multi-row INSERT) writes. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(5000)
  AUDIT_BATCH_MAX = 500;

  /** Most events waiting per chain; beyond it `record` fails fast (503 for an invoke) instead of queueing. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  AUDIT_QUEUE_MAX = 50_000;

  /** A flush taking longer fails its callers (503) and the events queued behind it. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(120_000)
  AUDIT_WRITE_TIMEOUT_MS = 5000;

  @IsString()
  RUNTIME_DIR = '.runtime';
}

export interface AuditConfig {
  enabled: boolean;
  /** Absolute directory of the JSONL mirror and its signed anchors. */
  wormDir: string;
  /** Directory holding the anchor signing key (Ed25519, generated once). */
  runtimeDir: string;
  batchMax: number;
  queueMax: number;
  writeTimeoutMs: number;
}

const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(process.cwd(), path));

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const e = validateEnv(AuditEnv, env);
  return {
    enabled: e.AUDIT_ENABLED,
    wormDir: absolute(e.AUDIT_WORM_DIR),
    runtimeDir: absolute(e.RUNTIME_DIR),
    batchMax: e.AUDIT_BATCH_MAX,
    queueMax: e.AUDIT_QUEUE_MAX,
    writeTimeoutMs: e.AUDIT_WRITE_TIMEOUT_MS,
  };
}

export const auditConfig = registerAs('audit', (): AuditConfig => loadAuditConfig());
