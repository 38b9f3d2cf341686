import { registerAs } from '@nestjs/config';
import { IsIn, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { Transform } from 'class-transformer';

import { validateEnv } from '@toolgate/config';

/** Variables holding the OAuth client and refresh token (read by the token broker, never by the provider). */
export const GOOGLE_ADS_SECRET_ENV = {
  clientId: 'GOOGLE_ADS_CLIENT_ID',
  clientSecret: 'GOOGLE_ADS_CLIENT_SECRET',
  refreshToken: 'GOOGLE_ADS_REFRESH_TOKEN',
} as const;

const CUSTOMER_ID = /^\d{3}-?\d{3}-?\d{4}$/;
const EnvNumber = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (/^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN) : value,
  );

export class AdsEnv {
  @IsOptional()
  @IsIn(['sandbox', 'live'])
  ADS_MODE?: 'sandbox' | 'live';

  @IsOptional()
  @EnvNumber()
  @IsNumber({}, { message: 'ADS_MAX_DAILY_BUDGET must be a number (a daily amount in account currency)' })
  @Min(0.01)
  @Max(1_000_000_000)
  ADS_MAX_DAILY_BUDGET?: number;

  @IsOptional() @IsString() @MaxLength(512) GOOGLE_ADS_CLIENT_ID?: string;
  @IsOptional() @IsString() @MaxLength(512) GOOGLE_ADS_CLIENT_SECRET?: string;
  @IsOptional() @IsString() @MaxLength(2048) GOOGLE_ADS_REFRESH_TOKEN?: string;
  @IsOptional() @IsString() @MaxLength(512) GOOGLE_ADS_DEVELOPER_TOKEN?: string;

  @IsOptional()
  @Matches(CUSTOMER_ID, { message: 'GOOGLE_ADS_LOGIN_CUSTOMER_ID must be a 10-digit customer id' })
  GOOGLE_ADS_LOGIN_CUSTOMER_ID?: string;

  @IsOptional()
  @Matches(CUSTOMER_ID, { message: 'GOOGLE_ADS_CUSTOMER_ID must be a 10-digit customer id' })
  GOOGLE_ADS_CUSTOMER_ID?: string;

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GOOGLE_ADS_TOKEN_URL = 'https://oauth2.googleapis.com/token';

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GOOGLE_ADS_BASE_URL = 'https://googleads.googleapis.com';

  @Matches(/^v\d{1,3}$/, { message: 'GOOGLE_ADS_API_VERSION must look like v24' })
  GOOGLE_ADS_API_VERSION = 'v24';
}

export interface AdsConfig {
  /** `sandbox` stores campaigns in Postgres; `live` calls Google Ads. */
  mode: 'sandbox' | 'live';
  /** Variables live mode still needs (empty when configured, or in sandbox mode). */
  missing: string[];
  /** Whether the OAuth refresh-token grant is configured (the broker then issues access tokens). */
  hasOAuth: boolean;
  tokenUrl: string;
  baseUrl: string;
  apiVersion: string;
  developerToken?: string;
  loginCustomerId?: string;
  defaultCustomerId?: string;
  /** Ceiling, in micros, on the daily budgets a tenant creates per UTC day (undefined: none). */
  maxDailyBudgetMicros?: number;
}

const digits = (id: string | undefined) => id?.replace(/-/g, '');

/**
 * `ADS_MODE` defaults to `live` when any Google Ads credential is set and to `sandbox` otherwise, so the
 * quickstart works offline and a half-configured live setup answers 503 naming what is missing.
 */
export function loadAdsConfig(env: NodeJS.ProcessEnv = process.env): AdsConfig {
  const e = validateEnv(AdsEnv, env);
  const required: Record<string, string | undefined> = {
    GOOGLE_ADS_CLIENT_ID: e.GOOGLE_ADS_CLIENT_ID,
    GOOGLE_ADS_CLIENT_SECRET: e.GOOGLE_ADS_CLIENT_SECRET,
    GOOGLE_ADS_REFRESH_TOKEN: e.GOOGLE_ADS_REFRESH_TOKEN,
    GOOGLE_ADS_DEVELOPER_TOKEN: e.GOOGLE_ADS_DEVELOPER_TOKEN,
  };
  const anySet = Object.values(required).some((value) => value !== undefined);
  const mode = e.ADS_MODE ?? (anySet ? 'live' : 'sandbox');
  const oauth = [e.GOOGLE_ADS_CLIENT_ID, e.GOOGLE_ADS_CLIENT_SECRET, e.GOOGLE_ADS_REFRESH_TOKEN];
  return {
    mode,
    missing: mode === 'live' ? Object.keys(required).filter((name) => required[name] === undefined) : [],
    hasOAuth: oauth.every((value) => value !== undefined),
    tokenUrl: e.GOOGLE_ADS_TOKEN_URL,
    baseUrl: e.GOOGLE_ADS_BASE_URL.replace(/\/+$/, ''),
    apiVersion: e.GOOGLE_ADS_API_VERSION,
    developerToken: e.GOOGLE_ADS_DEVELOPER_TOKEN,
    loginCustomerId: digits(e.GOOGLE_ADS_LOGIN_CUSTOMER_ID),
    defaultCustomerId: digits(e.GOOGLE_ADS_CUSTOMER_ID),
    maxDailyBudgetMicros:
      e.ADS_MAX_DAILY_BUDGET === undefined ? undefined : Math.round(e.ADS_MAX_DAILY_BUDGET * 1_000_000),
  };
}

export const adsConfig = registerAs('ads', (): AdsConfig => loadAdsConfig());
