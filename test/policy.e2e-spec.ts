import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';

import { waitUntil } from '@toolgate/testing';

import { bearer, devToken, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway, type TestGateway } from './support/gateway';

const SHIPPED = readFileSync(join(__dirname, '../policies/policies.yml'), 'utf8');
/** Adds a rule letting the `agent` role read the policy: the change the reload tests apply. */
const WITH_AGENT_READ = `${SHIPPED}
  - id: agents-read-policy
    effect: allow
    when: { action: policy:read, subject.roles: [agent] }
`;
const BROKEN = SHIPPED.replace(/(id: tenant-isolation\n\s+effect:) deny/, '$1 refuse');

/** The attributes of the seed's ads:createCampaign manifest, given in the body (no toolId: no catalog lookup). */
const ADS_CREATE = {
  provider_id: 'ads',
  tenant: 'public',
  safety_tags: ['financial'],
  required_scopes: ['ads.write'],
};

describe('policy (e2e over HTTP)', () => {
  const runtime = makeRuntimeDir();
  const policyDir = mkdtempSync(join(tmpdir(), 'toolgate-policy-'));
  const policyFile = join(policyDir, 'policies.yml');
  let gw: TestGateway;
  const tokens: Record<'admin' | 'agent' | 'finance' | 'auditor', Record<string, string>> = {} as never;

  const json = (token: Record<string, string>, body: unknown): RequestInit => ({
    method: 'POST',
    headers: { ...token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const read = (response: Response): Promise<any> => response.json();
  const policyStatus = async () => read(await gw.request('/policy', { headers: tokens.admin }));
  const reload = (token = tokens.admin) => gw.request('/policy/reload', { method: 'POST', headers: token });
  // Jest gives each test file its own copy of \`process\`, so the app's SIGHUP listener sits on that copy and
  // a real signal would kill the worker: forward the real process's SIGHUP to the copy, as one process would.
  const realProcess = runInThisContext('process') as NodeJS.Process;
  const forwardSighup = (): void => void process.emit('SIGHUP', 'SIGHUP');

  beforeAll(async () => {
    realProcess.on('SIGHUP', forwardSighup);
    writeFileSync(policyFile, SHIPPED);
    gw = await startGateway({ env: { RUNTIME_DIR: runtime.dir, POLICY_FILE: policyFile } });
    const mint = async (subject: string, roles: string[]) =>
      bearer(await devToken(runtime.dir, { subject, tenant: 'acme', roles }));
    tokens.admin = await mint('admin-1', ['platform-admin']);
    tokens.agent = await mint('agent-1', ['agent']);
    tokens.finance = await mint('fin-1', ['finance-write']);
    tokens.auditor = await mint('aud-1', ['auditor']);
  });
  afterAll(async () => {
    realProcess.off('SIGHUP', forwardSighup);
    await gw.close();
    runtime.dispose();
    rmSync(policyDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    writeFileSync(policyFile, SHIPPED);
    await reload();
  });

  describe('GET /policy', () => {
    it('shows version, load time, roles and rule ids to admins and auditors', async () => {
      const response = await gw.request('/policy', { headers: tokens.auditor });
      expect(response.status).toBe(200);
      const body = await read(response);
      expect(body).toMatchObject({
        file: policyFile,
        last_error: null,
        version: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      expect(body.rules).toEqual(expect.arrayContaining(['catalog-visibility', 'tenant-isolation']));
      expect(body.roles).toEqual(expect.arrayContaining(['platform-admin', 'finance-approver']));
    });

    it('denies other callers with a 403 problem naming the rule and the version', async () => {
      const response = await gw.request('/policy', { headers: tokens.agent });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await read(response);
      expect(body).toMatchObject({
        code: 'POLICY.DENIED',
        denied_by: 'default-deny',
        matched_rules: [],
        missing_scopes: [],
        policy_version: (await policyStatus()).version,
      });
      expect(body.detail).toContain('policy:read');
    });

    it('answers 401 without credentials', async () => {
      expect((await gw.request('/policy')).status).toBe(401);
    });
  });

  describe('POST /policy/explain', () => {
    it('explains for the caller itself: which rules matched and which scopes are missing', async () => {
      const response = await gw.request(
        '/policy/explain',
        json(tokens.agent, { action: 'tools.invoke', resource: ADS_CREATE }),
      );
      expect(response.status).toBe(200);
      expect(await read(response)).toEqual({
        decision: 'deny',
        denied_by: 'missing-scopes',
        matched_rules: ['safety-destroy-requires-confirm'],
        missing_scopes: ['ads.write'],
        require_confirmation: true,
        require_approval: null,
        policy_version: (await policyStatus()).version,
        effective_scopes: ['tools.invoke:read', 'tools.query:catalog'],
      });
    });

    it('reports the confirmation an allowed financial call needs', async () => {
      const response = await gw.request(
        '/policy/explain',
        json(tokens.finance, { action: 'tools.invoke', resource: ADS_CREATE }),
      );
      expect(await read(response)).toMatchObject({
        decision: 'allow',
        denied_by: null,
        matched_rules: ['safety-destroy-requires-confirm'],
        missing_scopes: [],
        require_confirmation: true,
        require_approval: null,
      });
    });

    it('lets platform admins explain for any principal of their tenant', async () => {
      const principal = { subject: 'fin-9', tenant: 'acme', roles: ['finance-write'] };
      const response = await gw.request(
        '/policy/explain',
        json(tokens.admin, { action: 'tools.invoke', resource: ADS_CREATE, principal }),
      );
      expect(response.status).toBe(200);
      expect(await read(response)).toMatchObject({
        decision: 'allow',
        effective_scopes: ['ads.write', 'tools.invoke:write'],
      });
    });

    it('refuses a principal in the body from anyone else, even naming themselves', async () => {
      for (const principal of [
        { subject: 'fin-9', tenant: 'acme', roles: ['finance-write'] },
        { subject: 'agent-1', tenant: 'acme', roles: ['platform-admin'] },
        [{ tenant: 'globex', roles: ['platform-admin'] }],
        [],
        'agent-1',
        null,
      ]) {
        const response = await gw.request('/policy/explain', json(tokens.agent, { action: 'x', principal }));
        expect(response.status).toBe(403);
        expect(await read(response)).toMatchObject({ code: 'POLICY.DENIED', denied_by: 'default-deny' });
      }
    });

    it('keeps admins to their own tenant (tenant-isolation)', async () => {
      const principal = { subject: 'x', tenant: 'globex' };
      const response = await gw.request('/policy/explain', json(tokens.admin, { action: 'x', principal }));
      expect(response.status).toBe(403);
      expect(await read(response)).toMatchObject({ denied_by: 'tenant-isolation' });
    });

    it('answers 404 for a tool the catalog does not know (the catalog resolves toolIds)', async () => {
      const response = await gw.request(
        '/policy/explain',
        json(tokens.agent, { action: 'tools.invoke', resource: { toolId: 'ghost:nothing-here' } }),
      );
      expect(response.status).toBe(404);
    });

    it('validates the body (unknown resource attributes are refused)', async () => {
      const response = await gw.request(
        '/policy/explain',
        json(tokens.agent, { action: 'tools.invoke', resource: { toolId: 'a:b', colour: 'red' } }),
      );
      expect(response.status).toBe(422);
      const pointers = (await read(response)).errors.map((error: { pointer: string }) => error.pointer);
      expect(pointers).toContain('/resource/colour');
      for (const resource of [[{ toolId: 'a:b' }], 'a:b']) {
        const notObject = await gw.request('/policy/explain', json(tokens.agent, { action: 'x', resource }));
        expect(notObject.status).toBe(422);
      }
      const asAdmin = await gw.request('/policy/explain', json(tokens.admin, { action: 'x', principal: [] }));
      expect(asAdmin.status).toBe(422);
    });
  });

  describe('approval rules', () => {
    it('holds a campaign for finance approval when the caller has the scope but not the role', async () => {
      const scoped = bearer(
        await devToken(runtime.dir, { subject: 'svc-ads', tenant: 'acme', roles: [], scopes: ['ads.write'] }),
      );
      const args = { name: 'ScopeOnly', budget: 100, startDate: '2025-10-10' };
      const held = await gw.request('/tools/ads:createCampaign/invoke', json(scoped, args));
      expect(held.status).toBe(202);
      const action = await read(held);
      expect(action).toMatchObject({ requires_confirmation: true, requires_approval: true });
      const confirmed = await gw.request(
        '/tools/ads:createCampaign/confirm',
        json(scoped, { action_token: action.action_token, ...args }),
      );
      expect(confirmed.status).toBe(409);
      expect(await read(confirmed)).toMatchObject({ status: 409 });
    });
  });

  describe('reload', () => {
    it('applies a changed file on POST /policy/reload (platform admins only)', async () => {
      const before = (await policyStatus()).version;
      writeFileSync(policyFile, WITH_AGENT_READ);
      expect((await reload(tokens.agent)).status).toBe(403);
      expect((await gw.request('/policy', { headers: tokens.agent })).status).toBe(403);

      const response = await reload();
      expect(response.status).toBe(200);
      const body = await read(response);
      expect(body.version).not.toBe(before);
      expect(body.rules).toContain('agents-read-policy');
      expect((await gw.request('/policy', { headers: tokens.agent })).status).toBe(200);
    });

    it('applies a changed file on SIGHUP', async () => {
      const before = (await policyStatus()).version;
      writeFileSync(policyFile, WITH_AGENT_READ);
      process.kill(process.pid, 'SIGHUP');
      let version = before;
      await waitUntil(async () => (version = (await policyStatus()).version) !== before);
      expect(version).not.toBe(before);
      expect((await gw.request('/policy', { headers: tokens.agent })).status).toBe(200);
    });

    it('refuses a broken file: the old policy keeps deciding, GET /policy and /health show the error', async () => {
      writeFileSync(policyFile, WITH_AGENT_READ);
      const good = (await read(await reload())).version;
      writeFileSync(policyFile, BROKEN);

      const refused = await reload();
      expect(refused.status).toBe(422);
      const problem = await read(refused);
      expect(problem).toMatchObject({ code: 'POLICY.INVALID', active_version: good });
      expect(problem.errors[0].detail).toMatch(
        /policies\.yml:\d+: rule "tenant-isolation", key "effect": must be "allow" or "deny" \(got "refuse"\)$/,
      );

      expect((await gw.request('/policy', { headers: tokens.agent })).status).toBe(200);
      const status = await policyStatus();
      expect(status.version).toBe(good);
      expect(status.last_error.errors[0]).toContain('rule "tenant-isolation", key "effect"');

      const health = await gw.request('/health');
      expect(health.status).toBe(503);
      const probe = await read(health);
      expect(probe).toMatchObject({
        error: {
          policy: { status: 'down', version: good, last_error: expect.stringContaining('GET /policy') },
        },
      });
      // The public probe says that the file was refused, not why: no path, no rule, no YAML.
      expect(JSON.stringify(probe)).not.toMatch(/policies\.yml|tenant-isolation|refuse"/);

      writeFileSync(policyFile, WITH_AGENT_READ);
      expect((await reload()).status).toBe(200);
      expect((await policyStatus()).last_error).toBeNull();
      const healthy = await gw.request('/health');
      expect(healthy.status).toBe(200);
      expect(await read(healthy)).toMatchObject({ info: { policy: { status: 'up' } } });
    });

    it('refuses a broken file on SIGHUP too', async () => {
      const good = (await policyStatus()).version;
      writeFileSync(policyFile, BROKEN);
      process.kill(process.pid, 'SIGHUP');
      let status = await policyStatus();
      await waitUntil(async () => Boolean((status = await policyStatus()).last_error));
      expect(status).toMatchObject({
        version: good,
        last_error: { message: expect.stringContaining('refused') },
      });
      const logged = gw.logs.lines.filter((line) => line.msg === 'policy file refused').at(-1);
      expect(logged).toMatchObject({ active_version: good });
    });
  });
});
