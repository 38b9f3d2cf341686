import { type McpServerSpec } from '../mcp.types';
import { authorizedFetch, createTransport } from './mcp-transport.util';

describe('createTransport (stdio)', () => {
  const spec = (env: Record<string, string>): McpServerSpec => ({
    name: 'local',
    source: 'api',
    transport: 'stdio',
    command: process.execPath,
    args: ['/srv/mcp/server.js'],
    env,
    auth: { type: 'none' },
  });
  const options = {
    fetch: async () => new Response('{}'),
    authorization: async () => undefined,
    stdio: {
      allowlist: [`${process.execPath} /srv/mcp/server.js`],
      envAllowlist: ['LOG_LEVEL'],
      searchPath: '',
    },
    maxResponseBytes: 65_536,
  };

  it('refuses to spawn a stored registration the policy refuses now (loader variable, other command)', () => {
    expect(() => createTransport(spec({ NODE_OPTIONS: '--import=data:,1' }), options)).toThrow(
      /NODE_OPTIONS/,
    );
    expect(() => createTransport(spec({ EXTRA: '1' }), options)).toThrow(/MCP_STDIO_ENV_ALLOWLIST/);
    expect(() => createTransport({ ...spec({}), args: ['-e', '1'] }, options)).toThrow(/MCP_STDIO_ALLOWLIST/);
    const transport = createTransport(spec({ LOG_LEVEL: 'debug' }), options);
    // One stdout line is one message: the SDK stops the child past this size.
    expect(
      (transport as unknown as { _serverParams: { maxBufferSize?: number } })._serverParams.maxBufferSize,
    ).toBe(65_536);
  });
});

describe('authorizedFetch', () => {
  it('adds the upstream credential and replaces any Authorization already there', async () => {
    const seen: Headers[] = [];
    const base = async (_url: string | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers));
      return new Response('{}');
    };
    await authorizedFetch(base, async () => 'Bearer upstream')('http://x', {
      headers: { authorization: 'Bearer agent' },
    });
    await authorizedFetch(base, async () => undefined)('http://x');
    expect(seen[0].get('authorization')).toBe('Bearer upstream');
    expect(seen[1].get('authorization')).toBeNull();
  });
});
