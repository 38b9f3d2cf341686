/** The provider key MCP tools run under (`provider_id` of their manifests). */
export const MCP_PROVIDER_KEY = 'mcp';

/** What an upstream `tools/call` answers, passed through to the caller as the tool result. */
export interface McpCallResult {
  content: unknown[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}
