import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';

import { EnvInt, validateEnv } from '@toolgate/config';

/** The variable holding the Pipedrive API token (read by the token broker, never by the provider). */
export const PIPEDRIVE_TOKEN_ENV = 'PIPEDRIVE_API_TOKEN';

export class PipedriveEnv {
  @IsOptional()
  @IsString()
  @MaxLength(512)
  PIPEDRIVE_API_TOKEN?: string;

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/i, {
    message: 'PIPEDRIVE_COMPANY_DOMAIN must be the company subdomain (acme for https://acme.pipedrive.com)',
  })
  PIPEDRIVE_COMPANY_DOMAIN?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PIPEDRIVE_BASE_URL?: string;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(5)
  PIPEDRIVE_MAX_ATTEMPTS = 3;
}

export interface PipedriveConfig {
  /** API root (`https://<domain>.pipedrive.com/api`); unset until a domain or base URL is configured. */
  baseUrl?: string;
  /** Whether PIPEDRIVE_API_TOKEN is set; the value itself stays in the environment. */
  hasApiToken: boolean;
  /** Attempts per call when a retry is allowed (reads, and 429 for any call). */
  maxAttempts: number;
}

export function loadPipedriveConfig(env: NodeJS.ProcessEnv = process.env): PipedriveConfig {
  const e = validateEnv(PipedriveEnv, env);
  const baseUrl =
    e.PIPEDRIVE_BASE_URL ??
    (e.PIPEDRIVE_COMPANY_DOMAIN ? `https://${e.PIPEDRIVE_COMPANY_DOMAIN}.pipedrive.com/api` : undefined);
  return {
    baseUrl: baseUrl?.replace(/\/+$/, ''),
    hasApiToken: e.PIPEDRIVE_API_TOKEN !== undefined,
    maxAttempts: e.PIPEDRIVE_MAX_ATTEMPTS,
  };
}

/** The variables still missing before the provider can call Pipedrive (empty when configured). */
export function missingPipedriveSettings(config: PipedriveConfig): string[] {
  return [
    ...(config.hasApiToken ? [] : [PIPEDRIVE_TOKEN_ENV]),
    ...(config.baseUrl ? [] : ['PIPEDRIVE_COMPANY_DOMAIN (or PIPEDRIVE_BASE_URL)']),
  ];
}

export const pipedriveConfig = registerAs('pipedrive', (): PipedriveConfig => loadPipedriveConfig());
