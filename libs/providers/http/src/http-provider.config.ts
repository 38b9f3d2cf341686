import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';

import { ConfigValidationError, EnvInt, validateEnv } from '@toolgate/config';
import { loadSsrfConfig } from '@toolgate/core';

export class HttpProviderEnv {
  @EnvInt()
  @IsInt()
  @Min(1_024)
  @Max(4 * 1_048_576)
  HTTP_PROVIDER_MAX_SPEC_BYTES = 512 * 1_024;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(2_000)
  HTTP_PROVIDER_MAX_OPERATIONS = 200;

  @EnvInt()
  @IsInt()
  @Min(1_024)
  @Max(64 * 1_048_576)
  HTTP_PROVIDER_MAX_RESPONSE_BYTES = 1_048_576;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(4_096)
  HTTP_PROVIDER_MAX_CONNECTIONS = 128;
}

export interface HttpProviderConfig {
  /** `HTTP_PROVIDER_ALLOWED_HOSTS`: hosts reachable even though they are not public (SSRF guard). */
  allowedHosts: string[];
  /** Largest OpenAPI document accepted, in bytes (YAML/JSON text, or the JSON of an object). */
  maxSpecBytes: number;
  /** Most operations one document may define. */
  maxOperations: number;
  /** Largest upstream response body read, in bytes (larger answers are a 502). */
  maxResponseBytes: number;
  /** Keep-alive sockets per upstream origin, shared by every tenant and caller (more calls queue). */
  maxConnections: number;
}

export function loadHttpProviderConfig(env: NodeJS.ProcessEnv = process.env): HttpProviderConfig {
  const e = validateEnv(HttpProviderEnv, env);
  let allowedHosts: string[];
  try {
    allowedHosts = loadSsrfConfig(env).allowedHosts;
  } catch (error) {
    throw new ConfigValidationError((error as Error).message);
  }
  return {
    allowedHosts,
    maxSpecBytes: e.HTTP_PROVIDER_MAX_SPEC_BYTES,
    maxOperations: e.HTTP_PROVIDER_MAX_OPERATIONS,
    maxResponseBytes: e.HTTP_PROVIDER_MAX_RESPONSE_BYTES,
    maxConnections: e.HTTP_PROVIDER_MAX_CONNECTIONS,
  };
}

export const httpProviderConfig = registerAs('httpProvider', () => loadHttpProviderConfig());
