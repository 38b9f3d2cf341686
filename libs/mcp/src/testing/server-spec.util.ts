import { type McpServerSpec } from '../mcp.types';

/** A registered streamable-HTTP server at an address nothing listens on (tests replace `fetch`). */
export const httpServerSpec = (name: string, overrides: Partial<McpServerSpec> = {}): McpServerSpec => ({
  name,
  source: 'api',
  transport: 'streamable-http',
  url: 'http://127.0.0.1:9/mcp',
  args: [],
  env: {},
  auth: { type: 'none' },
  ...overrides,
});
