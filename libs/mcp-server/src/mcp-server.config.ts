import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';

import { loadAuthConfig } from '@toolgate/auth';
import { EnvInt, loadAppConfig, validateEnv } from '@toolgate/config';

export class McpServerEnv {
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(86_400)
  MCP_SESSION_IDLE_SEC = 900;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  MCP_MAX_SESSIONS = 1000;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  MCP_MAX_SESSIONS_PER_PRINCIPAL = 16;
}

export interface McpServerConfig {
  /** A session nobody used for this long is closed. */
  sessionIdleMs: number;
  /** Sessions this replica holds at most (who makes room: `makeRoom`). */
  maxSessions: number;
  /** Sessions one principal (tenant + subject) holds at most; its own oldest makes room. */
  maxSessionsPerPrincipal: number;
  /** `PUBLIC_URL` (or `http://HOST:PORT`): the protected resource is `<publicUrl>/mcp`. */
  publicUrl: string;
  /** `JWT_ISSUER`: the authorization server agents get tokens from. */
  issuer: string;
}

export function loadMcpServerConfig(env: NodeJS.ProcessEnv = process.env): McpServerConfig {
  const e = validateEnv(McpServerEnv, env);
  return {
    sessionIdleMs: e.MCP_SESSION_IDLE_SEC * 1000,
    maxSessions: e.MCP_MAX_SESSIONS,
    maxSessionsPerPrincipal: e.MCP_MAX_SESSIONS_PER_PRINCIPAL,
    publicUrl: loadAppConfig(env).publicUrl,
    issuer: loadAuthConfig(env).issuer,
  };
}

export const mcpServerConfig = registerAs('mcpServer', () => loadMcpServerConfig());
