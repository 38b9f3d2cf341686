import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';

import { EnvInt, validateEnv } from '@toolgate/config';

export class ConfirmationEnv {
  /** How long a held action may be confirmed (approval included), in seconds. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(7 * 86_400)
  CONFIRM_TTL_SEC = 300;

  /** Random bytes in an action token (base64url-encoded on the wire). */
  @EnvInt()
  @IsInt()
  @Min(16)
  @Max(64)
  ACTION_TOKEN_BYTES = 24;

  /** Open (pending or approved) actions one subject may hold at once; one more answers 429. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  CONFIRM_MAX_OPEN_PER_SUBJECT = 100;

  /** How often expired actions are marked `expired` (and audited), in seconds. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(86_400)
  CONFIRM_SWEEP_INTERVAL_SEC = 60;

  /**
   * Days a finished action (consumed, rejected, cancelled, expired) is kept after its expiry; the sweep then
   * deletes it (the audit trail keeps its events).
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3_650)
  CONFIRM_RETENTION_DAYS = 30;
}

export interface ConfirmationConfig {
  ttlSec: number;
  tokenBytes: number;
  maxOpenPerSubject: number;
  sweepIntervalSec: number;
  retentionDays: number;
}

export function loadConfirmationConfig(env: NodeJS.ProcessEnv = process.env): ConfirmationConfig {
  const e = validateEnv(ConfirmationEnv, env);
  return {
    ttlSec: e.CONFIRM_TTL_SEC,
    tokenBytes: e.ACTION_TOKEN_BYTES,
    maxOpenPerSubject: e.CONFIRM_MAX_OPEN_PER_SUBJECT,
    sweepIntervalSec: e.CONFIRM_SWEEP_INTERVAL_SEC,
    retentionDays: e.CONFIRM_RETENTION_DAYS,
  };
}

export const confirmationConfig = registerAs('confirmation', () => loadConfirmationConfig());
