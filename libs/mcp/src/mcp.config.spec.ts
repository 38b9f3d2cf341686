import { envServers, loadMcpConfig } from './mcp.config';

describe('MCP configuration', () => {
  it('reads MCP_<NAME>_URL upstreams with their transport and bearer secret *name*', () => {
    const servers = envServers({
      MCP_FILE_SYSTEM_URL: 'http://files:3001/mcp',
      MCP_GIT_URL: 'http://git:3003/sse',
      MCP_GIT_TRANSPORT: 'sse',
      MCP_GIT_BEARER_TOKEN: 's3cret',
      MCP_DISCOVERY_RETRIES: '3',
    });
    expect(servers).toEqual([
      expect.objectContaining({ name: 'file-system', transport: 'streamable-http', auth: { type: 'none' } }),
      expect.objectContaining({
        name: 'git',
        transport: 'sse',
        auth: { type: 'bearer', secret_env: 'MCP_GIT_BEARER_TOKEN' },
      }),
    ]);
    expect(JSON.stringify(servers)).not.toContain('s3cret');
  });

  it('fails fast naming the variable', () => {
    expect(() => envServers({ MCP_X_URL: 'http://x', MCP_X_TRANSPORT: 'stdio' })).toThrow(/MCP_X_TRANSPORT/);
    expect(() => envServers({ MCP_X_URL: 'not a url' })).toThrow(/MCP_X_URL/);
    expect(() => envServers({ MCP_X_URL: 'http://admin:hunter2@127.0.0.1:9/mcp' })).toThrow(
      /MCP_X_URL must not hold credentials/,
    );
    expect(() => loadMcpConfig({ MCP_DISCOVERY_RETRIES: 'many' })).toThrow(/MCP_DISCOVERY_RETRIES/);
  });

  it('defaults to 3 retries from 500 ms, no stdio, no stdio variables, 4 MiB answers and 500 tools', () => {
    expect(loadMcpConfig({ PATH: '/usr/bin' })).toMatchObject({
      discoveryRetries: 3,
      discoveryBackoffMs: 500,
      stdio: { allowlist: [], envAllowlist: [], searchPath: '/usr/bin' },
      maxResponseBytes: 4 * 1024 * 1024,
      maxToolsPerServer: 500,
    });
    expect(loadMcpConfig({ MCP_MAX_TOOLS_PER_SERVER: '20' }).maxToolsPerServer).toBe(20);
    expect(() => loadMcpConfig({ MCP_MAX_TOOLS_PER_SERVER: '0' })).toThrow(/MCP_MAX_TOOLS_PER_SERVER/);
  });

  it('refuses a stdio variable allow-list naming a loader variable, or allowing every variable', () => {
    expect(loadMcpConfig({ MCP_STDIO_ENV_ALLOWLIST: 'LOG_LEVEL, GIT_*' }).stdio.envAllowlist).toEqual([
      'LOG_LEVEL',
      'GIT_*',
    ]);
    expect(() => loadMcpConfig({ MCP_STDIO_ENV_ALLOWLIST: 'LOG_LEVEL,NODE_OPTIONS' })).toThrow(
      /MCP_STDIO_ENV_ALLOWLIST lists NODE_OPTIONS/,
    );
    expect(() => loadMcpConfig({ MCP_STDIO_ENV_ALLOWLIST: '*' })).toThrow(/MCP_STDIO_ENV_ALLOWLIST/);
    expect(() => loadMcpConfig({ MCP_MAX_RESPONSE_BYTES: '10' })).toThrow(/MCP_MAX_RESPONSE_BYTES/);
  });
});
