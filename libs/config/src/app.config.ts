import { registerAs } from '@nestjs/config';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min, ValidateIf } from 'class-validator';

import { ConfigValidationError, EnvBoolean, EnvInt, EnvList, IsOrigin, validateEnv } from './env.util';

export class AppEnv {
  @IsString()
  HOST = '127.0.0.1';

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8000;

  @IsIn(['development', 'production', 'test'])
  NODE_ENV = 'development';

  @IsOptional()
  @EnvList()
  @IsOrigin({ each: true })
  CORS_ORIGINS?: string[];

  @IsString()
  RUNTIME_DIR = '.runtime';

  /** Empty: derived from HOST and PORT (see `derivedPublicUrl`). Otherwise the http(s) URL agents reach the gateway at. */
  @ValidateIf((env: AppEnv) => env.PUBLIC_URL !== '')
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_URL = '';

  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_CA_FILE?: string;

  @EnvBoolean()
  @IsBoolean()
  REQUIRE_MTLS = false;
}

export interface AppConfig {
  host: string;
  port: number;
  env: string;
  corsOrigins: string[];
  runtimeDir: string;
  /** Base URL the gateway is reached at (for metadata documents); derived from host and port when unset. */
  publicUrl: string;
  tls?: { certFile: string; keyFile: string; caFile?: string; requireClientCert: boolean };
}

/** Hosts that mean "every interface": no client can connect to them, so the derived URL names this machine. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']);

/**
 * The URL agents reach the gateway at when `PUBLIC_URL` is unset: `HOST` and `PORT`, with `localhost` for a
 * wildcard host (what the startup banner prints, and where a port published by Docker is reached) and
 * brackets around an IPv6 address. `PORT=0` (a port chosen when listening) cannot be derived: it needs
 * `PUBLIC_URL`.
 */
function derivedPublicUrl(scheme: string, host: string, port: number): string {
  if (port === 0)
    throw new ConfigValidationError(
      'Invalid configuration: PORT=0 (a port chosen at start) needs PUBLIC_URL, the URL agents reach the ' +
        'gateway at (metadata documents name it)',
    );
  const name = WILDCARD_HOSTS.has(host)
    ? 'localhost'
    : host.includes(':') && !host.startsWith('[')
      ? `[${host}]`
      : host;
  return `${scheme}://${name}:${port}`;
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = validateEnv(AppEnv, env);
  const tls =
    e.TLS_CERT_FILE && e.TLS_KEY_FILE
      ? {
          certFile: e.TLS_CERT_FILE,
          keyFile: e.TLS_KEY_FILE,
          caFile: e.TLS_CA_FILE,
          requireClientCert: e.REQUIRE_MTLS,
        }
      : undefined;
  if (e.REQUIRE_MTLS && !(tls && e.TLS_CA_FILE))
    throw new ConfigValidationError(
      'Invalid configuration: REQUIRE_MTLS: true needs TLS_CERT_FILE, TLS_KEY_FILE and TLS_CA_FILE',
    );
  // Half a TLS configuration must not quietly serve plain HTTP.
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE) || (e.TLS_CA_FILE && !e.TLS_CERT_FILE))
    throw new ConfigValidationError(
      'Invalid configuration: TLS_CERT_FILE and TLS_KEY_FILE must be set together (TLS_CA_FILE needs both)',
    );
  const scheme = tls ? 'https' : 'http';
  return {
    host: e.HOST,
    port: e.PORT,
    env: e.NODE_ENV,
    corsOrigins: e.CORS_ORIGINS ?? [],
    runtimeDir: e.RUNTIME_DIR,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/$/, '') : derivedPublicUrl(scheme, e.HOST, e.PORT),
    tls,
  };
}

export const appConfig = registerAs('app', () => loadAppConfig());
