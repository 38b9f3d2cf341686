import { registerAs } from '@nestjs/config';
import { IsIn, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { Transform } from 'class-transformer';

import { ConfigValidationError, validateEnv } from '@toolgate/config';

/** Variables holding the OAuth client and refresh token (read by the token broker, never by the provider). */
export const GOOGLE_ADS_SECRET_ENV = {
  clientId: 'GOOGLE_ADS_CLIENT_ID',
  clientSecret: 'GOOGLE_ADS_CLIENT_SECRET',
  refreshToken: 'GOOGLE_ADS_REFRESH_TOKEN',
} as const;

const CUSTOMER_ID = /^\d{3}-?\d{3}-?\d{4}$/;
/** Customer id used in sandbox resource names when no account is configured at all. */
export const SANDBOX_CUSTOMER_ID = '0000000000';
const GRANTS_VAR = 'ADS_TENANT_CUSTOMER_IDS';
/** A tenant as the tenant claim allows it (printable ASCII, no space), without this format's separators. */
const GRANT_TENANT = /^[\x21-\x7e]{1,128}$/;
const GRANT_SEPARATORS = /[,=|]/;
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

  /** `tenant=customerId|customerId,…`; `*` for every tenant not listed. Parsed by `parseCustomerGrants`. */
  @IsOptional() @IsString() @MaxLength(65_536) ADS_TENANT_CUSTOMER_IDS?: string;

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GOOGLE_ADS_TOKEN_URL = 'https://oauth2.googleapis.com/token';

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GOOGLE_ADS_BASE_URL = 'https://googleads.googleapis.com';

  @Matches(/^v\d{1,3}$/, { message: 'GOOGLE_ADS_API_VERSION must look like v24' })
  GOOGLE_ADS_API_VERSION = 'v24';
}

/** The Google Ads accounts each tenant may create campaigns in, granted by the operator. */
export interface CustomerGrants {
  /** Accounts of the tenants named in ADS_TENANT_CUSTOMER_IDS, the tenant's default first. */
  byTenant: ReadonlyMap<string, readonly string[]>;
  /** Accounts of every tenant not named (the `*` entry); empty: none. */
  others: readonly string[];
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
  /** Who may use which account (`ADS_TENANT_CUSTOMER_IDS`, else `GOOGLE_ADS_CUSTOMER_ID` for all). */
  customerGrants: CustomerGrants;
  /** Ceiling, in micros, on the daily budgets a tenant creates per UTC day (undefined: none). */
  maxDailyBudgetMicros?: number;
}

const digits = (id: string | undefined) => id?.replace(/-/g, '');
const grantsError = (problem: string) =>
  new ConfigValidationError(`Invalid configuration: ${GRANTS_VAR} ${problem}`);

/**
 * Reads `ADS_TENANT_CUSTOMER_IDS`: comma-separated `tenant=customerId|customerId` entries (dashes in ids
 * optional, the first id is the tenant's default), and `*=…` for every tenant not listed. Fails with one
 * line naming the variable and the bad entry.
 */
export function parseCustomerGrants(raw: string): CustomerGrants {
  const byTenant = new Map<string, readonly string[]>();
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw grantsError('lists no tenant');
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const tenant = entry.slice(0, at).trim();
    const ids = entry
      .slice(at + 1)
      .split('|')
      .map((id) => id.trim());
    if (at < 0 || ids.some((id) => id === '')) {
      throw grantsError(`must be tenant=customerId|customerId entries separated by commas (got "${entry}")`);
    }
    if (!GRANT_TENANT.test(tenant) || GRANT_SEPARATORS.test(tenant)) {
      throw grantsError(`names an invalid tenant "${tenant}" (no spaces, ",", "=" or "|")`);
    }
    const bad = ids.find((id) => !CUSTOMER_ID.test(id));
    if (bad !== undefined) throw grantsError(`gives tenant ${tenant} "${bad}", not a 10-digit customer id`);
    if (byTenant.has(tenant)) throw grantsError(`lists tenant ${tenant} twice`);
    byTenant.set(tenant, [...new Set(ids.map((id) => id.replace(/-/g, '')))]);
  }
  const others = byTenant.get('*') ?? [];
  byTenant.delete('*');
  return { byTenant, others };
}

/**
 * Without ADS_TENANT_CUSTOMER_IDS every tenant may use GOOGLE_ADS_CUSTOMER_ID only; with nothing configured,
 * sandbox mode still stores campaigns under `SANDBOX_CUSTOMER_ID` (live mode then grants no account).
 */
function customerGrantsOf(e: AdsEnv, mode: AdsConfig['mode']): CustomerGrants {
  if (e.ADS_TENANT_CUSTOMER_IDS !== undefined) return parseCustomerGrants(e.ADS_TENANT_CUSTOMER_IDS);
  const fallback = digits(e.GOOGLE_ADS_CUSTOMER_ID) ?? (mode === 'sandbox' ? SANDBOX_CUSTOMER_ID : undefined);
  return { byTenant: new Map(), others: fallback === undefined ? [] : [fallback] };
}

/** Loopback hosts, the only ones a Google Ads endpoint may be reached at over plain http (local fakes). */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The endpoint in `variable`, refused unless https (or http to a loopback host): the refresh token, the
 * client secret and the access tokens travel to these URLs.
 */
function secureUrl(variable: string, value: string): string {
  const url = new URL(value);
  if (url.protocol === 'https:' || LOOPBACK.test(url.hostname)) return value;
  throw new ConfigValidationError(
    `Invalid configuration: ${variable} must be an https:// URL (plain http is accepted only for a loopback ` +
      `host such as 127.0.0.1, for local fakes): it carries Google credentials (got host ${url.hostname})`,
  );
}

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
    tokenUrl: secureUrl('GOOGLE_ADS_TOKEN_URL', e.GOOGLE_ADS_TOKEN_URL),
    baseUrl: secureUrl('GOOGLE_ADS_BASE_URL', e.GOOGLE_ADS_BASE_URL).replace(/\/+$/, ''),
    apiVersion: e.GOOGLE_ADS_API_VERSION,
    developerToken: e.GOOGLE_ADS_DEVELOPER_TOKEN,
    loginCustomerId: digits(e.GOOGLE_ADS_LOGIN_CUSTOMER_ID),
    customerGrants: customerGrantsOf(e, mode),
    maxDailyBudgetMicros:
      e.ADS_MAX_DAILY_BUDGET === undefined ? undefined : Math.round(e.ADS_MAX_DAILY_BUDGET * 1_000_000),
  };
}

export const adsConfig = registerAs('ads', (): AdsConfig => loadAdsConfig());
