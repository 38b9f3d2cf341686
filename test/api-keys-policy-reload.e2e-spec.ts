import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { bearer, devToken, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway, type TestGateway } from './support/gateway';

/** The policy the keys are minted under: `reporter` reads the policy and holds `reports.read`. */
const WITH_REPORTER = [
  'version: 1',
  'roles:',
  "  platform-admin: ['api-keys.manage']",
  "  reporter: ['reports.read']",
  'rules:',
  "  - { id: admins, effect: allow, when: { action: ['api-keys:manage', 'policy:reload'], subject.roles: ['platform-admin'] } }",
  "  - { id: reporters-read-policy, effect: allow, when: { action: 'policy:read', subject.roles: ['reporter'] } }",
  "  - { id: explain-own, effect: allow, when: { action: 'policy:explain' } }",
  "  - { id: keys-read-reports, effect: allow, when: { action: 'reports:read', subject.kind: api_key } }",
  '',
].join('\n');
/** The same policy without the `reporter` role (and so without the rule naming it). */
const WITHOUT_REPORTER = WITH_REPORTER.split('\n')
  .filter((line) => !line.includes('reporter'))
  .join('\n');
/** Reading reports: any API key may, given the scope `reports.read`. */
const EXPLAIN_REPORTS = { action: 'reports:read', resource: { required_scopes: ['reports.read'] } };

describe('API keys after a policy reload removes one of their roles (e2e over HTTP)', () => {
  const runtime = makeRuntimeDir();
  const policyFile = join(dirname(runtime.dir), 'policies.yml');
  let gw: TestGateway;
  let admin: string;
  let key: { id: string; secret: string };

  const post = async (token: string, path: string, body: Record<string, unknown> = {}) => {
    const response = await gw.request(path, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const reload = async (policy: string) => {
    writeFileSync(policyFile, policy);
    expect((await post(admin, '/policy/reload')).status).toBe(200);
  };
  const readPolicy = async (token: string) => {
    const response = await gw.request('/policy', { headers: bearer(token) });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    writeFileSync(policyFile, WITH_REPORTER);
    // Cached keys must not carry grants across a reload: cache them for the whole test.
    gw = await startGateway({
      env: { RUNTIME_DIR: runtime.dir, POLICY_FILE: policyFile, API_KEY_CACHE_TTL_SEC: '60' },
    });
    admin = await devToken(runtime.dir, { subject: 'alice', tenant: 'acme', roles: ['platform-admin'] });
    const created = await post(admin, '/api-keys', {
      name: 'reports',
      subject: 'svc-reports',
      roles: ['reporter'],
      scopes: ['own.read'],
    });
    expect(created.status).toBe(201);
    key = { id: created.body.id, secret: created.body.secret };
  });
  afterAll(async () => {
    await gw.close();
    runtime.dispose();
  });

  it('grants a key nothing through a role the reloaded policy no longer defines, and again once it does', async () => {
    expect((await readPolicy(key.secret)).status).toBe(200);
    expect((await post(key.secret, '/policy/explain', EXPLAIN_REPORTS)).body).toMatchObject({
      decision: 'allow',
      effective_scopes: ['own.read', 'reports.read'],
    });

    await reload(WITHOUT_REPORTER);
    // Rules: none can name the role any more, so the key matches none through it.
    const denied = await readPolicy(key.secret);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      code: 'POLICY.DENIED',
      denied_by: 'default-deny',
      matched_rules: [],
    });
    // Scopes: only its own; the role's are gone with the role.
    expect((await post(key.secret, '/policy/explain', EXPLAIN_REPORTS)).body).toMatchObject({
      decision: 'deny',
      denied_by: 'missing-scopes',
      matched_rules: ['keys-read-reports'],
      missing_scopes: ['reports.read'],
      effective_scopes: ['own.read'],
    });
    // The key still lists the roles it was minted with; no new key can be given the role.
    const listed = await gw.request('/api-keys', { headers: bearer(admin) });
    const items = ((await listed.json()) as { items: Record<string, unknown>[] }).items;
    expect(items.find((item) => item.id === key.id)).toMatchObject({ roles: ['reporter'], status: 'active' });
    const refused = await post(admin, '/api-keys', { name: 'late', subject: 'svc', roles: ['reporter'] });
    expect(refused.status).toBe(422);

    // Roles are names the current policy gives meaning to: defined again, the role grants again.
    await reload(WITH_REPORTER);
    expect((await readPolicy(key.secret)).status).toBe(200);
  });
});
