import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

import { ConfigValidationError, EnvInt, EnvList, validateEnv } from '@toolgate/config';
import { loadSsrfConfig } from '@toolgate/core';

import { MCP_SERVER_NAME, MCP_TRANSPORTS, type McpServerSpec, type McpTransport } from './mcp.types';
import { isLoaderVariable, type StdioPolicy } from './upstream/mcp-stdio-policy.util';

/** A variable name, or a prefix ending in `*` (a bare `*` would allow every variable). */
const ENV_ALLOW_ENTRY = /^[A-Z_][A-Z0-9_]*\*?$/;

export class McpEnv {
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(20)
  MCP_DISCOVERY_RETRIES = 3;

  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(60_000)
  MCP_DISCOVERY_BACKOFF_MS = 500;

  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(600_000)
  MCP_RECONNECT_MAX_MS = 30_000;

  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(120_000)
  MCP_CONNECT_TIMEOUT_MS = 10_000;

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  MCP_PING_INTERVAL_MS = 30_000;

  @IsOptional()
  @EnvList()
  MCP_STDIO_ALLOWLIST?: string[];

  @IsOptional()
  @EnvList()
  @Matches(ENV_ALLOW_ENTRY, { each: true, message: 'MCP_STDIO_ENV_ALLOWLIST must list NAME or PREFIX_*' })
  MCP_STDIO_ENV_ALLOWLIST?: string[];

  @EnvInt()
  @IsInt()
  @Min(65_536)
  @Max(268_435_456)
  MCP_MAX_RESPONSE_BYTES = 4_194_304;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10_000)
  MCP_MAX_TOOLS_PER_SERVER = 500;
}

export interface McpConfig {
  discoveryRetries: number;
  discoveryBackoffMs: number;
  reconnectMaxMs: number;
  connectTimeoutMs: number;
  /** 0 disables the periodic liveness ping of connected upstreams. */
  pingIntervalMs: number;
  /**
   * What stdio upstreams may run: `MCP_STDIO_ALLOWLIST` command lines (empty: stdio is refused), the
   * variables a registration may set (`MCP_STDIO_ENV_ALLOWLIST`, empty: none) and the gateway's `PATH`.
   */
  stdio: StdioPolicy;
  /** `MCP_MAX_RESPONSE_BYTES`: the most an upstream answer (one HTTP body, SSE event or stdio line) may hold. */
  maxResponseBytes: number;
  /** `MCP_MAX_TOOLS_PER_SERVER`: the most tools one upstream may publish (the ones listed after are skipped). */
  maxToolsPerServer: number;
  /** Hosts the SSRF guard lets registered upstreams reach although not public (`HTTP_PROVIDER_ALLOWED_HOSTS`). */
  allowedHosts: string[];
  /** Upstreams declared by `MCP_<NAME>_URL` (+ `_TRANSPORT`, `_BEARER_TOKEN`). */
  envServers: McpServerSpec[];
}

/** A letter right after `MCP_`: `MCP__*` is left to registered servers' secrets (`REGISTERED_SECRET_ENV`). */
const ENV_URL = /^MCP_([A-Z][A-Z0-9_]*)_URL$/;

/** `MCP_FILE_SYSTEM_URL` → `file-system`. */
function serverNameOf(variable: string): string {
  return variable.toLowerCase().replace(/_/g, '-');
}

/**
 * Upstreams from the environment: `MCP_<NAME>_URL`, optional `MCP_<NAME>_TRANSPORT`
 * (`streamable-http` by default, or `sse`) and `MCP_<NAME>_BEARER_TOKEN` (read by the token broker when a
 * request is made, never copied into the config).
 */
export function envServers(env: NodeJS.ProcessEnv): McpServerSpec[] {
  return Object.keys(env)
    .map((key) => ENV_URL.exec(key)?.[1])
    .filter((name): name is string => name !== undefined && Boolean(env[`MCP_${name}_URL`]))
    .sort()
    .map((variable) => {
      const name = serverNameOf(variable);
      const transport = (env[`MCP_${variable}_TRANSPORT`] || 'streamable-http') as McpTransport;
      if (!MCP_SERVER_NAME.test(name))
        throw new ConfigValidationError(`Invalid configuration: MCP_${variable}_URL names an invalid server`);
      if (transport === 'stdio' || !MCP_TRANSPORTS.includes(transport))
        throw new ConfigValidationError(
          `Invalid configuration: MCP_${variable}_TRANSPORT must be streamable-http or sse`,
        );
      if (!URL.canParse(String(env[`MCP_${variable}_URL`])))
        throw new ConfigValidationError(`Invalid configuration: MCP_${variable}_URL must be a URL`);
      const parsed = new URL(String(env[`MCP_${variable}_URL`]));
      if (parsed.username || parsed.password)
        throw new ConfigValidationError(
          `Invalid configuration: MCP_${variable}_URL must not hold credentials (use MCP_${variable}_BEARER_TOKEN)`,
        );
      const tokenVar = `MCP_${variable}_BEARER_TOKEN`;
      return {
        name,
        source: 'env' as const,
        transport,
        url: String(env[`MCP_${variable}_URL`]),
        args: [],
        env: {},
        auth: env[tokenVar] ? { type: 'bearer' as const, secret_env: tokenVar } : { type: 'none' as const },
      };
    });
}

export function loadMcpConfig(env: NodeJS.ProcessEnv = process.env): McpConfig {
  const e = validateEnv(McpEnv, env);
  const envAllowlist = e.MCP_STDIO_ENV_ALLOWLIST ?? [];
  const loader = envAllowlist.find((entry) => !entry.endsWith('*') && isLoaderVariable(entry));
  if (loader)
    throw new ConfigValidationError(
      `Invalid configuration: MCP_STDIO_ENV_ALLOWLIST lists ${loader}, a loader variable that would run code`,
    );
  return {
    discoveryRetries: e.MCP_DISCOVERY_RETRIES,
    discoveryBackoffMs: e.MCP_DISCOVERY_BACKOFF_MS,
    reconnectMaxMs: e.MCP_RECONNECT_MAX_MS,
    connectTimeoutMs: e.MCP_CONNECT_TIMEOUT_MS,
    pingIntervalMs: e.MCP_PING_INTERVAL_MS,
    stdio: { allowlist: e.MCP_STDIO_ALLOWLIST ?? [], envAllowlist, searchPath: env.PATH ?? '' },
    maxResponseBytes: e.MCP_MAX_RESPONSE_BYTES,
    maxToolsPerServer: e.MCP_MAX_TOOLS_PER_SERVER,
    allowedHosts: loadSsrfConfig(env).allowedHosts,
    envServers: envServers(env),
  };
}

export const mcpConfig = registerAs('mcp', () => loadMcpConfig());
