import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

import { EnvInt, validateEnv } from '@toolgate/config';

export class InvocationEnv {
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  RATE_LIMIT_DEFAULT_RPS = 5;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_BUCKET_BURST = 10;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  RATE_LIMIT_AUDIT_WINDOW_SEC = 60;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(10_000)
  REDIS_COMMAND_TIMEOUT_MS = 250;

  @EnvInt()
  @IsInt()
  @Min(60)
  @Max(30 * 86_400)
  IDEMPOTENCY_TTL_SEC = 86_400;

  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(600_000)
  TOOL_DEFAULT_TIMEOUT_MS = 30_000;
}

export interface InvocationConfig {
  defaultRps: number;
  defaultBurst: number;
  /** `rate.limited` audit: the first refusal per key and window on its own, the rest as one counted event. */
  rateLimitAuditWindowMs: number;
  redisUrl?: string;
  /** A Redis command unanswered after this long fails, and counting falls back to memory. */
  redisCommandTimeoutMs: number;
  idempotencyTtlSec: number;
  defaultTimeoutMs: number;
}

export function loadInvocationConfig(env: NodeJS.ProcessEnv = process.env): InvocationConfig {
  const e = validateEnv(InvocationEnv, env);
  return {
    defaultRps: e.RATE_LIMIT_DEFAULT_RPS,
    defaultBurst: e.RATE_BUCKET_BURST,
    rateLimitAuditWindowMs: e.RATE_LIMIT_AUDIT_WINDOW_SEC * 1000,
    redisUrl: e.REDIS_URL,
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    idempotencyTtlSec: e.IDEMPOTENCY_TTL_SEC,
    defaultTimeoutMs: e.TOOL_DEFAULT_TIMEOUT_MS,
  };
}

export const invocationConfig = registerAs('invocation', () => loadInvocationConfig());
