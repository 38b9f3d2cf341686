import { type McpServerSpec, sameRegistration } from './mcp.types';

const row = (overrides: Partial<McpServerSpec> = {}): McpServerSpec => ({
  name: 'crm',
  source: 'api',
  transport: 'stdio',
  command: '/usr/bin/node',
  args: ['server.js'],
  env: { REGION: 'eu', MODE: 'ro' },
  auth: { type: 'bearer', secret_env: 'MCP_CRM_TOKEN' },
  registeredAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('sameRegistration', () => {
  it('holds for the same row, whatever the key order of its JSON columns', () => {
    expect(sameRegistration(row(), row({ env: { MODE: 'ro', REGION: 'eu' } }))).toBe(true);
  });

  it('tells apart a registration made again under the same name, even with the same target', () => {
    expect(sameRegistration(row(), row({ registeredAt: '2026-01-01T00:00:00.001Z' }))).toBe(false);
  });

  it('tells apart any change of target, launch or credentials', () => {
    expect(sameRegistration(row(), row({ command: '/usr/local/bin/node' }))).toBe(false);
    expect(sameRegistration(row(), row({ args: ['other.js'] }))).toBe(false);
    expect(sameRegistration(row(), row({ env: { REGION: 'us', MODE: 'ro' } }))).toBe(false);
    expect(sameRegistration(row(), row({ auth: { type: 'bearer', secret_env: 'MCP_OTHER' } }))).toBe(false);
  });
});
