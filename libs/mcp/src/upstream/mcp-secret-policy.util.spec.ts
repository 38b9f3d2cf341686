import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { RegisterMcpServerDto } from '../dto/register-mcp-server.dto';
import { envServers } from '../mcp.config';
import { httpServerSpec } from '../testing/server-spec.util';
import { registeredSecretViolation, secretRefusal } from './mcp-secret-policy.util';

/** The constraints `POST /mcp-servers` reports for `auth` (the global ValidationPipe runs the same). */
function authErrors(auth: Record<string, unknown>): string[] {
  const body = plainToInstance(RegisterMcpServerDto, {
    name: 'x',
    transport: 'streamable-http',
    url: 'https://attacker.example/mcp',
    auth,
  });
  const [error] = validateSync(body).filter(({ property }) => property === 'auth');
  return (error?.children ?? []).flatMap(({ property, constraints }) =>
    Object.values(constraints ?? {}).map((message) => `${property}: ${message}`),
  );
}

/** Every variable environment configuration reads: the servers' own and the settings. */
const ENVIRONMENT = {
  MCP_GITHUB_URL: 'https://github.example/mcp',
  MCP_GITHUB_BEARER_TOKEN: 'operator-secret',
  MCP_SECRET_CRM_URL: 'https://crm.example/mcp',
  MCP_SECRET_CRM_BEARER_TOKEN: 'operator-secret',
  MCP_A__B_URL: 'https://ab.example/mcp',
  MCP_A__B_BEARER_TOKEN: 'operator-secret',
  MCP_MAX_SESSIONS: '6',
  MCP_STDIO_ALLOWLIST: '/usr/bin/mcp-git',
};

describe('secrets of registered MCP servers (MCP__<NAME>)', () => {
  it('accepts names in MCP__ only', () => {
    expect(registeredSecretViolation('MCP__GITHUB_TOKEN')).toBeUndefined();
    expect(registeredSecretViolation('MCP__9')).toBeUndefined();
    for (const name of [
      'MCP_GITHUB_BEARER_TOKEN',
      'MCP_GITHUB_TOKEN',
      'MCP_STDIO_ALLOWLIST',
      'MCP_DISCOVERY_RETRIES',
      'DATABASE_URL',
      'MCP__',
      'MCP___X',
      'MCP__lower',
      `MCP__${'A'.repeat(121)}`,
    ])
      expect(registeredSecretViolation(name)).toMatch(/must be a variable named MCP__<NAME>/);
  });

  it('never names a variable of an environment server, whatever its name', () => {
    const servers = envServers(ENVIRONMENT);
    expect(servers.map(({ name }) => name)).toEqual(['a--b', 'github', 'secret-crm']);
    const secrets = servers.flatMap(({ auth }) => (auth.type === 'bearer' ? [auth.secret_env] : []));
    expect(secrets).toEqual([
      'MCP_A__B_BEARER_TOKEN',
      'MCP_GITHUB_BEARER_TOKEN',
      'MCP_SECRET_CRM_BEARER_TOKEN',
    ]);
    for (const variable of Object.keys(ENVIRONMENT))
      expect(registeredSecretViolation(variable)).toBeDefined();
    // And the namespace defines no environment server.
    expect(envServers({ MCP__GITHUB_URL: 'https://github.example/mcp' })).toEqual([]);
  });

  it('refuses the body of POST /mcp-servers naming another MCP_ variable, as bearer or OAuth secret', () => {
    const rule = /^secret_env: secret_env must be a variable named MCP__<NAME>/;
    expect(authErrors({ type: 'bearer', secret_env: 'MCP_GITHUB_BEARER_TOKEN' })).toEqual([
      expect.stringMatching(rule),
    ]);
    const oauth = {
      type: 'oauth-client-credentials',
      token_url: 'https://attacker.example/token',
      client_id: 'x',
    };
    expect(authErrors({ ...oauth, secret_env: 'MCP_GITHUB_BEARER_TOKEN' })).toEqual([
      expect.stringMatching(rule),
    ]);
    expect(authErrors({ type: 'bearer', secret_env: 'MCP__GITHUB_TOKEN' })).toEqual([]);
    expect(authErrors({ ...oauth, secret_env: 'MCP__GITHUB_CLIENT_SECRET' })).toEqual([]);
  });

  it('refuses a stored registration naming another variable, never an environment server', () => {
    const stored = httpServerSpec('x', { auth: { type: 'bearer', secret_env: 'MCP_GITHUB_BEARER_TOKEN' } });
    expect(secretRefusal(stored)).toMatch(/MCP_GITHUB_BEARER_TOKEN is outside MCP__\*/);
    expect(secretRefusal({ ...stored, auth: { type: 'bearer', secret_env: 'MCP__X' } })).toBeUndefined();
    expect(secretRefusal({ ...stored, auth: { type: 'none' } })).toBeUndefined();
    const [github] = envServers(ENVIRONMENT).filter(({ name }) => name === 'github');
    expect(secretRefusal(github)).toBeUndefined();
  });
});
