import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { bearer, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway } from './support/gateway';

const ROOT = join(__dirname, '..');

/** The documented command: `npm run -s token -- …` (without -s, npm prints its banner on stdout). */
function token(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('npm', ['run', '-s', 'token', '--', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run -s token (dev token CLI)', () => {
  const runtime = makeRuntimeDir();
  afterAll(() => runtime.dispose());

  it('prints exactly one JWT on stdout that the gateway accepts', async () => {
    const args = ['--sub', 'agent-1', '--tenant', 'public', '--roles', 'platform-admin,finance-write'];
    const result = token([...args, '--scopes', 'ads.write tools.invoke:write', '--ttl', '3600'], {
      RUNTIME_DIR: runtime.dir,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    const jwt = result.stdout.trim();
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({
      sub: 'agent-1',
      tenant: 'public',
      roles: ['platform-admin', 'finance-write'],
      scopes: ['ads.write', 'tools.invoke:write'],
      iss: 'https://idp.local',
      aud: 'toolgate',
    });
    expect(claims.exp - claims.iat).toBe(3600);
    const gw = await startGateway({ env: { RUNTIME_DIR: runtime.dir } });
    try {
      expect((await gw.request('/api-keys', { headers: bearer(jwt) })).status).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('exits 1 with one line on stderr and nothing on stdout while JWT_JWKS_URL is set', () => {
    const result = token(['--sub', 'a', '--tenant', 't'], {
      RUNTIME_DIR: runtime.dir,
      JWT_JWKS_URL: 'https://idp.example/jwks.json',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('JWT_JWKS_URL');
  });

  it('exits 1 on bad arguments', () => {
    expect(token(['--sub', 'a'], { RUNTIME_DIR: runtime.dir }).status).toBe(1);
    expect(token(['--sub', 'a', '--tenant', 't', '--ttl', 'soon'], { RUNTIME_DIR: runtime.dir }).status).toBe(
      1,
    );
  });
});
