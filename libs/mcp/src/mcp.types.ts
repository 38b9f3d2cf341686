import { isDeepStrictEqual } from 'node:util';

/** How Toolgate reaches an upstream MCP server. */
export const MCP_TRANSPORTS = ['streamable-http', 'sse', 'stdio'] as const;
export type McpTransport = (typeof MCP_TRANSPORTS)[number];

/** Upstream names become part of tool ids (`mcp.<server>:<tool>`) and scopes (`mcp.<server>`). */
export const MCP_SERVER_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Tool names Toolgate can address in routes and policies (the MCP 2025-11-25 recommendation). */
export const MCP_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** Upstream credentials: a secret is referenced by the name of the variable that holds it. */
export type McpAuthSpec =
  | { type: 'none' }
  | { type: 'bearer'; secret_env: string }
  | {
      type: 'oauth-client-credentials';
      token_url: string;
      client_id: string;
      secret_env: string;
      scopes?: string[];
    };

/** One upstream as configured (environment) or registered (`POST /mcp-servers`). */
export interface McpServerSpec {
  name: string;
  source: 'env' | 'api';
  transport: McpTransport;
  url?: string;
  command?: string;
  args: string[];
  /** Plain (non-secret) variables for a stdio child, on top of a minimal PATH/HOME environment. */
  env: Record<string, string>;
  auth: McpAuthSpec;
  /**
   * When the row of a registered server was created: a server deleted and registered again under the
   * same name is another registration, even at the same address.
   */
  registeredAt?: string;
}

/** Whether `held` is still the registration `row` describes (same row, same target and credentials). */
export function sameRegistration(held: McpServerSpec, row: McpServerSpec): boolean {
  return isDeepStrictEqual(held, row);
}

export type McpConnectionState = 'connecting' | 'up' | 'down' | 'closed';

/** What one replica knows about its session with an upstream. */
export interface McpServerStatus {
  state: McpConnectionState;
  tool_count: number;
  last_discovery_at: string | null;
  last_error: string | null;
  /** Server implementation and protocol reported by the upstream at initialize. */
  server_info: { name: string; version: string } | null;
}

/** What discovery made of an upstream's tool list. */
export interface McpSyncReport {
  /** Tools kept: addressable, listed once, within `MCP_MAX_TOOLS_PER_SERVER`. */
  tools: number;
  /** Why listed tools were skipped (the server's `last_error`); empty when none was. */
  problems: string[];
}

/** `mcp.<server>:<tool>` */
export function mcpToolId(server: string, tool: string): string {
  return `mcp.${server}:${tool}`;
}

/** The scope a caller needs for anything of upstream `server`. */
export function mcpScope(server: string): string {
  return `mcp.${server}`;
}

/** Splits `mcp.<server>:<tool>`; undefined for anything else. */
export function parseMcpToolId(toolId: string): { server: string; tool: string } | undefined {
  const match = /^mcp\.([a-z][a-z0-9-]{0,31}):(.+)$/.exec(toolId);
  return match ? { server: match[1], tool: match[2] } : undefined;
}
