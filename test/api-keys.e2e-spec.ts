import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { runSql, TestProviderModule, waitUntil } from '@toolgate/testing';

import { bearer, devToken, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway, type TestGateway } from './support/gateway';

/** POSTs JSON with a bearer token; the status and the parsed body. */
async function postJson(gw: TestGateway, token: string, path: string, body: Record<string, unknown>) {
  const response = await gw.request(path, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('API keys (e2e over HTTP)', () => {
  const runtime = makeRuntimeDir();
  let gw: TestGateway;
  let adminA: string;
  let adminB: string;

  const json = (token: string) => ({ ...bearer(token), 'content-type': 'application/json' });

  beforeAll(async () => {
    gw = await startGateway({ env: { RUNTIME_DIR: runtime.dir, API_KEY_CACHE_TTL_SEC: '1' } });
    adminA = await devToken(runtime.dir, {
      subject: 'admin-a',
      tenant: 'tenant-a',
      roles: ['platform-admin'],
    });
    adminB = await devToken(runtime.dir, {
      subject: 'admin-b',
      tenant: 'tenant-b',
      roles: ['platform-admin'],
    });
  });
  afterAll(async () => {
    await gw.close();
    runtime.dispose();
  });

  async function createKey(body: Record<string, unknown>, token = adminA) {
    const response = await gw.request('/api-keys', {
      method: 'POST',
      headers: json(token),
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      cacheControl: response.headers.get('cache-control'),
      body: (await response.json()) as Record<string, any>,
    };
  }

  it('runs the lifecycle: create → use → list without secret → revoke → 401', async () => {
    const created = await createKey({
      name: 'billing worker',
      subject: 'svc-billing',
      roles: ['platform-admin'],
      scopes: ['tools.invoke:write'],
      expires_in_seconds: 3600,
    });
    expect(created.status).toBe(201);
    expect(created.cacheControl).toBe('no-store');
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^tg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({
      subject: 'svc-billing',
      tenant: 'tenant-a',
      roles: ['platform-admin'],
      scopes: ['tools.invoke:write'],
      status: 'active',
      created_by: 'admin-a',
      prefix: secret.slice(0, 19),
    });

    const rows = await runSql(
      gw.databaseUrl,
      "SELECT encode(secret_hash, 'hex') AS hash FROM api_keys WHERE id = $1",
      [created.body.id],
    );
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(secret.slice(20));

    const used = await gw.request('/api-keys', { headers: bearer(secret) });
    expect(used.status).toBe(200);
    const listed = (await used.json()) as { items: Record<string, unknown>[] };
    const mine = listed.items.find((item) => item.id === created.body.id);
    expect(mine).toMatchObject({ status: 'active', subject: 'svc-billing' });
    expect(JSON.stringify(listed)).not.toContain(secret.slice(20));
    expect(listed.items.every((item) => !('secret' in item))).toBe(true);

    const revoked = await gw.request(`/api-keys/${created.body.id}`, {
      method: 'DELETE',
      headers: bearer(adminA),
    });
    expect(revoked.status).toBe(204);
    const after = await gw.request('/api-keys', { headers: bearer(secret) });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(((await after.json()) as { code: string }).code).toBe('AUTH.INVALID_TOKEN');

    const relisted = (await (await gw.request('/api-keys', { headers: bearer(adminA) })).json()) as {
      items: Record<string, unknown>[];
    };
    expect(relisted.items.find((item) => item.id === created.body.id)).toMatchObject({ status: 'revoked' });
    expect(
      (await gw.request(`/api-keys/${created.body.id}`, { method: 'DELETE', headers: bearer(adminA) }))
        .status,
    ).toBe(204);
  });

  it('keeps tenants apart: another tenant neither lists nor revokes the key (404)', async () => {
    const created = await createKey({ name: 'a-only', subject: 'svc-a', roles: [] });
    const listB = (await (await gw.request('/api-keys', { headers: bearer(adminB) })).json()) as {
      items: { id: string }[];
    };
    expect(listB.items.some((item) => item.id === created.body.id)).toBe(false);
    const revokeB = await gw.request(`/api-keys/${created.body.id}`, {
      method: 'DELETE',
      headers: bearer(adminB),
    });
    expect(revokeB.status).toBe(404);
    expect(((await revokeB.json()) as { code: string }).code).toBe('RESOURCE.NOT_FOUND');
    for (const id of ['not-a-uuid', '00000000-0000-0000-0000-000000000000']) {
      expect(
        (await gw.request(`/api-keys/${id}`, { method: 'DELETE', headers: bearer(adminA) })).status,
      ).toBe(404);
    }
  });

  it('refuses an expired key and a tampered secret with 401', async () => {
    const created = await createKey({ name: 'short', subject: 'svc-short', roles: ['platform-admin'] });
    const secret = created.body.secret as string;
    const tampered = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect((await gw.request('/api-keys', { headers: bearer(tampered) })).status).toBe(401);
    await runSql(
      gw.databaseUrl,
      "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1",
      [created.body.id],
    );
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const expired = await gw.request('/api-keys', { headers: bearer(secret) });
    expect(expired.status).toBe(401);
  });

  it('audits creating and revoking a key with the admin as actor, never the secret', async () => {
    const created = await createKey({ name: 'audited', subject: 'svc-audited', roles: [] });
    const id = created.body.id as string;
    expect((await gw.request(`/api-keys/${id}`, { method: 'DELETE', headers: bearer(adminA) })).status).toBe(
      204,
    );
    const rows = await runSql<{ event: string; subject: string; details: string }>(
      gw.databaseUrl,
      "SELECT event, subject, details::text AS details FROM audit_events WHERE details->>'key_id' = $1 ORDER BY seq",
      [id],
    );
    expect(rows.map((row) => [row.event, row.subject])).toEqual([
      ['api_keys.create', 'admin-a'],
      ['api_keys.revoke', 'admin-a'],
    ]);
    expect(rows[0].details).toContain('svc-audited');
    expect(rows[0].details).not.toContain(created.body.secret as string);
  });

  it('validates the creation body (422) with bounded fields', async () => {
    const bad = await createKey({
      name: '',
      subject: 'x'.repeat(300),
      roles: ['has space'],
      expires_in_seconds: 10,
      tenant: 'other',
    });
    expect(bad.status).toBe(422);
    const pointers = (bad.body.errors as { pointer: string }[]).map((error) => error.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(['/name', '/subject', '/roles', '/expires_in_seconds', '/tenant']),
    );
  });
});

describe('API keys and approvals (e2e over HTTP)', () => {
  const runtime = makeRuntimeDir();
  let gw: TestGateway;
  let admin: string;
  let approver: string;
  let adminApprover: string;

  beforeAll(async () => {
    const policyFile = join(dirname(runtime.dir), 'policies.yml');
    writeFileSync(
      policyFile,
      [
        'version: 1',
        'roles:',
        "  test-admin: ['test.read', 'test.write']",
        "  platform-admin: ['api-keys.manage']",
        "  approver: ['actions.approve']",
        'rules:',
        '  - id: destructive-needs-approval',
        '    effect: allow',
        "    when: { action: tools.invoke, resource.safety_tags_any: [destructive], subject.roles: ['test-admin'] }",
        '    require_confirmation: true',
        "    require_approval: { roles: ['approver'] }",
        "  - { id: keys, effect: allow, when: { action: 'api-keys:manage', subject.roles: ['platform-admin'] } }",
        "  - { id: approve, effect: allow, when: { action: 'actions:approve', subject.roles: ['approver'] } }",
        '',
      ].join('\n'),
    );
    gw = await startGateway({
      env: { RUNTIME_DIR: runtime.dir, POLICY_FILE: policyFile },
      imports: [TestProviderModule],
    });
    admin = await devToken(runtime.dir, { subject: 'alice', tenant: 'acme', roles: ['platform-admin'] });
    approver = await devToken(runtime.dir, { subject: 'carol', tenant: 'acme', roles: ['approver'] });
    adminApprover = await devToken(runtime.dir, {
      subject: 'erin',
      tenant: 'acme',
      roles: ['platform-admin', 'approver'],
    });
  });
  afterAll(async () => {
    await gw.close();
    runtime.dispose();
  });

  const call = (token: string, path: string, body: Record<string, unknown>) =>
    postJson(gw, token, path, body);

  it('lets a key request a held call but never approve one: approvals take a person', async () => {
    const requester = await call(admin, '/api-keys', { name: 'req', subject: 'bob', roles: ['test-admin'] });
    const approverKey = await call(admin, '/api-keys', { name: 'ok', subject: 'dave', roles: ['approver'] });
    const held = await call(requester.body.secret, '/tools/test:destroy/invoke', { target: 'prod-db' });
    expect(held.status).toBe(202);
    expect(held.body.requires_approval).toBe(true);

    const byKey = await call(approverKey.body.secret, `/actions/${held.body.action_id}/approve`, {});
    expect(byKey.status).toBe(403);
    expect(byKey.body.detail).toMatch(/API key/);
    const rejectByKey = await call(approverKey.body.secret, `/actions/${held.body.action_id}/reject`, {
      reason: 'no',
    });
    expect(rejectByKey.status).toBe(403);

    const byPerson = await call(approver, `/actions/${held.body.action_id}/approve`, {});
    expect(byPerson.status).toBe(200);
    expect(byPerson.body.status).toBe('approved');

    // The trail leads from the key's activity to the admin who minted it.
    const [created] = await runSql<{ subject: string; details: Record<string, unknown> }>(
      gw.databaseUrl,
      "SELECT subject, details FROM audit_events WHERE event = 'actions.create' AND details->>'action_id' = $1",
      [held.body.action_id],
    );
    expect(created).toMatchObject({
      subject: 'bob',
      details: { credential_kind: 'api_key', credential_id: requester.body.id },
    });
    const [minted] = await runSql<{ subject: string }>(
      gw.databaseUrl,
      "SELECT subject FROM audit_events WHERE event = 'api_keys.create' AND details->>'key_id' = $1",
      [requester.body.id],
    );
    expect(minted.subject).toBe('alice');
  });

  it('never lets the admin who minted the requester key approve or reject its call: another approver must', async () => {
    const requester = await call(adminApprover, '/api-keys', {
      name: 'sock',
      subject: 'bot-7',
      roles: ['test-admin'],
    });
    const held = await call(requester.body.secret, '/tools/test:destroy/invoke', { target: 'prod-db' });
    expect(held.status).toBe(202);
    expect(held.body.requires_approval).toBe(true);
    const path = `/actions/${held.body.action_id}`;

    // The approver sees who stands behind the request.
    const view = await gw.request(path, { headers: bearer(approver) });
    expect(await view.json()).toMatchObject({
      requester: {
        subject: 'bot-7',
        credential_kind: 'api_key',
        key_id: requester.body.id,
        key_created_by: 'erin',
      },
    });

    const byMinter = await call(adminApprover, `${path}/approve`, {});
    expect(byMinter.status).toBe(403);
    expect(byMinter.body).toMatchObject({ code: 'ACTIONS.FORBIDDEN' });
    expect(byMinter.body.detail).toContain(`API key ${requester.body.id}, which you minted`);
    const rejectByMinter = await call(adminApprover, `${path}/reject`, { reason: 'mine' });
    expect(rejectByMinter.status).toBe(403);

    const byOther = await call(approver, `${path}/approve`, {});
    expect(byOther.status).toBe(200);
    expect(byOther.body).toMatchObject({ status: 'approved', decided_by: 'carol' });
    const confirmed = await call(requester.body.secret, '/tools/test:destroy/confirm', {
      action_token: held.body.action_token,
      target: 'prod-db',
    });
    expect(confirmed.status).toBe(200);
  });
});

describe('API keys minted by API keys and approvals (e2e over HTTP, seed policy, ads sandbox)', () => {
  const runtime = makeRuntimeDir();
  const campaign = { name: 'Chained', budget: 100, startDate: '2025-10-10' };
  let gw: TestGateway;
  let alice: string;
  let frank: string;

  beforeAll(async () => {
    gw = await startGateway({
      env: {
        RUNTIME_DIR: runtime.dir,
        POLICY_FILE: resolve(__dirname, '../policies/policies.yml'),
        ADS_MODE: 'sandbox',
      },
    });
    alice = await devToken(runtime.dir, {
      subject: 'alice',
      tenant: 'acme',
      roles: ['platform-admin', 'finance-approver'],
    });
    frank = await devToken(runtime.dir, { subject: 'frank', tenant: 'acme', roles: ['finance-approver'] });
  });
  afterAll(async () => {
    await gw.close();
    runtime.dispose();
  });

  const call = (token: string, path: string, body: Record<string, unknown>) =>
    postJson(gw, token, path, body);

  it('never lets the admin at the root of a chain of keys approve its call: another approver must', async () => {
    const k1 = await call(alice, '/api-keys', {
      name: 'k1',
      subject: 'dave',
      roles: ['platform-admin', 'finance-write'],
    });
    expect(k1.status).toBe(201);
    const k2 = await call(k1.body.secret, '/api-keys', {
      name: 'k2',
      subject: 'svc',
      roles: ['finance-write'],
      scopes: ['ads.write'],
    });
    expect(k2.status).toBe(201);

    const held = await call(k2.body.secret, '/tools/ads:createCampaign/invoke', campaign);
    expect(held.status).toBe(202);
    expect(held.body.requires_approval).toBe(true);
    const path = `/actions/${held.body.action_id}`;

    const byRoot = await call(alice, `${path}/approve`, {});
    expect(byRoot.status).toBe(403);
    expect(byRoot.body).toMatchObject({ code: 'ACTIONS.FORBIDDEN' });
    expect(byRoot.body.detail).toContain(`API key ${k2.body.id}, which you minted`);
    expect((await call(alice, `${path}/reject`, { reason: 'mine' })).status).toBe(403);

    // The key and the approver's view name the person at the root of the chain, not the key in between.
    expect(k2.body.created_by).toBe('alice');
    const view = await gw.request(path, { headers: bearer(frank) });
    expect(await view.json()).toMatchObject({
      requester: { subject: 'svc', credential_kind: 'api_key', key_id: k2.body.id, key_created_by: 'alice' },
    });
    const early = await call(k2.body.secret, '/tools/ads:createCampaign/confirm', {
      action_token: held.body.action_token,
      ...campaign,
    });
    expect(early.status).toBe(409);

    expect((await call(frank, `${path}/approve`, {})).status).toBe(200);
    const confirmed = await call(k2.body.secret, '/tools/ads:createCampaign/confirm', {
      action_token: held.body.action_token,
      ...campaign,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.result).toMatchObject({ mode: 'sandbox', campaign: { name: 'Chained' } });
  });
});

describe('API keys minted by API keys: bounded by their parent, revoked with it (e2e over HTTP)', () => {
  const runtime = makeRuntimeDir();
  let gw: TestGateway;
  let admin: string;

  beforeAll(async () => {
    gw = await startGateway({ env: { RUNTIME_DIR: runtime.dir, API_KEY_CACHE_TTL_SEC: '60' } });
    admin = await devToken(runtime.dir, { subject: 'root', tenant: 'chain', roles: ['platform-admin'] });
  });
  afterAll(async () => {
    await gw.close();
    runtime.dispose();
  });

  const call = (token: string, path: string, body: Record<string, unknown>) =>
    postJson(gw, token, path, body);
  const status = async (token: string) => (await gw.request('/api-keys', { headers: bearer(token) })).status;

  it('never lets a key minted by a key outlive it, and links it to its parent', async () => {
    const parent = await call(admin, '/api-keys', {
      name: 'leaked',
      subject: 'svc-p',
      roles: ['platform-admin'],
      expires_in_seconds: 120,
    });
    expect(parent.body.parent_key_id).toBeNull();
    const longer = await call(parent.body.secret, '/api-keys', {
      name: 'long',
      subject: 'svc-c',
      roles: ['platform-admin'],
      expires_in_seconds: 366 * 86_400,
    });
    expect(longer.status).toBe(422);
    expect(longer.body.errors).toEqual([
      expect.objectContaining({
        pointer: '/expires_in_seconds',
        detail: expect.stringMatching(/at most 1[01]\d/),
      }),
    ]);
    const defaulted = await call(parent.body.secret, '/api-keys', {
      name: 'default',
      subject: 'svc-c',
      roles: ['platform-admin'],
    });
    expect(defaulted.status).toBe(201);
    expect(defaulted.body).toMatchObject({
      parent_key_id: parent.body.id,
      expires_at: parent.body.expires_at,
    });
    const [row] = await runSql<{ parent_key_id: string }>(
      gw.databaseUrl,
      'SELECT parent_key_id FROM api_keys WHERE id = $1',
      [defaulted.body.id],
    );
    expect(row.parent_key_id).toBe(parent.body.id);
  });

  it('revokes every key below a revoked key, at any depth, each audited; revoking again is idempotent', async () => {
    const parent = await call(admin, '/api-keys', { name: 'p', subject: 'svc-p', roles: ['platform-admin'] });
    const child = await call(parent.body.secret, '/api-keys', {
      name: 'c',
      subject: 'svc-c',
      roles: ['platform-admin'],
    });
    const grandchild = await call(child.body.secret, '/api-keys', {
      name: 'g',
      subject: 'svc-g',
      roles: ['platform-admin'],
    });
    const sibling = await call(admin, '/api-keys', {
      name: 's',
      subject: 'svc-s',
      roles: ['platform-admin'],
    });
    for (const key of [parent, child, grandchild, sibling]) expect(await status(key.body.secret)).toBe(200);

    const revoked = await gw.request(`/api-keys/${parent.body.id}`, {
      method: 'DELETE',
      headers: bearer(admin),
    });
    expect(revoked.status).toBe(204);
    for (const key of [parent, child, grandchild]) expect(await status(key.body.secret)).toBe(401);
    expect(await status(sibling.body.secret)).toBe(200);

    const events = await runSql<{ subject: string; key_id: string; revoked_with: string | null }>(
      gw.databaseUrl,
      `SELECT subject, details->>'key_id' AS key_id, details->>'revoked_with' AS revoked_with
         FROM audit_events WHERE event = 'api_keys.revoke' AND tenant = 'chain' ORDER BY seq`,
    );
    expect(events).toEqual([
      { subject: 'root', key_id: parent.body.id, revoked_with: null },
      { subject: 'root', key_id: child.body.id, revoked_with: parent.body.id },
      { subject: 'root', key_id: grandchild.body.id, revoked_with: parent.body.id },
    ]);
    expect(
      (await gw.request(`/api-keys/${parent.body.id}`, { method: 'DELETE', headers: bearer(admin) })).status,
    ).toBe(204);
    const after = await runSql(
      gw.databaseUrl,
      "SELECT 1 FROM audit_events WHERE event = 'api_keys.revoke' AND tenant = 'chain'",
    );
    expect(after).toHaveLength(3);
  });

  it('leaves no active key below a revoked key when minting races the revocation', async () => {
    const racer = await devToken(runtime.dir, {
      subject: 'racer',
      tenant: 'race',
      roles: ['platform-admin'],
    });
    let orphans = -1;
    for (let round = 0; round < 5 && orphans <= 0; round += 1) {
      const parent = await call(racer, '/api-keys', {
        name: 'p',
        subject: 'svc-p',
        roles: ['platform-admin'],
      });
      const mints = Array.from({ length: 20 }, (_, i) =>
        call(parent.body.secret, '/api-keys', { name: `c${i}`, subject: 'svc-c', roles: [] }),
      );
      await new Promise((resolve) => setTimeout(resolve, round));
      const revoke = gw.request(`/api-keys/${parent.body.id}`, { method: 'DELETE', headers: bearer(racer) });
      const answers = await Promise.all(mints);
      expect((await revoke).status).toBe(204);
      expect(answers.every((answer) => answer.status === 201 || answer.status === 401)).toBe(true);
      const [row] = await runSql<{ orphans: number }>(
        gw.databaseUrl,
        `SELECT count(*)::int AS orphans FROM api_keys child JOIN api_keys parent ON child.parent_key_id = parent.id
          WHERE parent.revoked_at IS NOT NULL AND child.revoked_at IS NULL`,
      );
      orphans = row.orphans;
    }
    expect(orphans).toBe(0);
  });

  it('refuses roles the policy does not define, and a key granting more than it holds', async () => {
    const unknown = await call(admin, '/api-keys', {
      name: 'typo',
      subject: 'svc',
      roles: ['agent', 'no-such-role', 'platfrom-admin'],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toBe('Unknown roles: no-such-role, platfrom-admin.');
    expect(unknown.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual([
      '/roles/1',
      '/roles/2',
    ]);

    // A person is the trust root: an admin may grant roles and scopes it does not hold itself.
    const agentAdmin = await call(admin, '/api-keys', {
      name: 'agent admin',
      subject: 'svc-a',
      roles: ['platform-admin', 'agent'],
      scopes: ['ads.write'],
    });
    expect(agentAdmin.status).toBe(201);

    const escalate = await call(agentAdmin.body.secret, '/api-keys', {
      name: 'escalate',
      subject: 'svc-e',
      roles: ['agent', 'data-admin', 'mcp-admin'],
      scopes: ['ads.write', 'mcp.*', 'database.write'],
    });
    expect(escalate.status).toBe(403);
    expect(escalate.body).toMatchObject({
      code: 'API_KEYS.GRANT_EXCEEDS_CREATOR',
      excess_roles: ['data-admin', 'mcp-admin'],
      excess_scopes: ['mcp.*', 'database.write'],
    });
    expect(escalate.body.detail).toContain('roles data-admin, mcp-admin and scopes mcp.*, database.write');

    // Its own scopes and those of its roles (platform-admin grants policy.*) are its to hand down.
    const within = await call(agentAdmin.body.secret, '/api-keys', {
      name: 'within',
      subject: 'svc-w',
      roles: ['agent'],
      scopes: ['ads.write', 'policy.read', 'tools.invoke:read'],
    });
    expect(within.status).toBe(201);
    const rows = await runSql(gw.databaseUrl, "SELECT 1 FROM api_keys WHERE subject = 'svc-e'");
    expect(rows).toHaveLength(0);
  });

  it('lets a key list and revoke only itself and the keys below it; a person manages the whole tenant', async () => {
    const person = await devToken(runtime.dir, {
      subject: 'owner',
      tenant: 'tree',
      roles: ['platform-admin'],
    });
    const mint = (token: string, name: string) =>
      call(token, '/api-keys', { name, subject: `svc-${name}`, roles: ['platform-admin'] });
    const parent = await mint(person, 'parent');
    const sibling = await mint(person, 'sibling');
    const child = await mint(parent.body.secret, 'child');
    const grandchild = await mint(child.body.secret, 'grandchild');
    const ids = async (token: string, query = '') => {
      const response = await gw.request(`/api-keys${query}`, { headers: bearer(token) });
      const body = (await response.json()) as Record<string, any>;
      return {
        status: response.status,
        body,
        ids: (body.items ?? []).map((item: { id: string }) => item.id),
      };
    };
    expect((await ids(child.body.secret)).ids).toEqual([grandchild.body.id, child.body.id]);
    expect((await ids(parent.body.secret)).ids).toEqual([grandchild.body.id, child.body.id, parent.body.id]);
    expect((await ids(person)).ids).toEqual([
      grandchild.body.id,
      child.body.id,
      sibling.body.id,
      parent.body.id,
    ]);
    // Paging stays within the tree, and a key outside it is no cursor.
    const first = await ids(child.body.secret, '?limit=1');
    expect(first.body.next_cursor).toBe(grandchild.body.id);
    expect((await ids(child.body.secret, `?limit=1&cursor=${grandchild.body.id}`)).body).toMatchObject({
      items: [expect.objectContaining({ id: child.body.id })],
      next_cursor: null,
    });
    const outside = await ids(child.body.secret, `?cursor=${sibling.body.id}`);
    expect(outside.status).toBe(422);
    expect(outside.body.code).toBe('API_KEYS.CURSOR_INVALID');

    const revoke = (token: string, id: string, requestId = 'rq-tree') =>
      gw.request(`/api-keys/${id}`, {
        method: 'DELETE',
        headers: { ...bearer(token), 'x-request-id': requestId },
      });
    // A key outside the caller's tree answers exactly as an unknown id: same bytes but for the id asked
    // for and the request id (both of the same length here), same headers but for those that tick with
    // every request whatever it asks (the clock, the caller's rate-limit bucket).
    const ticking = new Set(['date', 'ratelimit-remaining', 'ratelimit-reset']);
    const answer = async (id: string, requestId: string) => {
      const response = await revoke(child.body.secret, id, requestId);
      const headers = [...response.headers].filter(([name]) => !ticking.has(name));
      const text = (await response.text()).split(id).join('<id>').split(requestId).join('<rq>');
      return {
        status: response.status,
        headers: JSON.stringify(headers).split(requestId).join('<rq>'),
        text,
      };
    };
    const unknown = await answer('00000000-0000-4000-8000-000000000000', 'rq-tree-0');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({
      code: 'RESOURCE.NOT_FOUND',
      request_id: '<rq>',
      instance: '/api-keys/<id>',
    });
    for (const [n, other] of [parent, sibling].entries()) {
      expect(await answer(other.body.id, `rq-tree-${n + 1}`)).toEqual(unknown);
      expect(await status(other.body.secret)).toBe(200);
    }
    // Each refusal is audited as a denial naming the calling key and the target, never a secret.
    const denials = () =>
      runSql<{ subject: string; status: string; request_id: string; details: Record<string, unknown> }>(
        gw.databaseUrl,
        `SELECT subject, status, request_id, details FROM audit_events
          WHERE tenant = 'tree' AND event = 'api_keys.revoke' AND decision = 'deny' ORDER BY seq`,
      );
    expect(await waitUntil(async () => (await denials()).length >= 2)).toBe(true);
    const denied = await denials();
    expect(denied).toEqual(
      [parent, sibling].map((other, n) => ({
        subject: 'svc-child',
        status: '404',
        request_id: `rq-tree-${n + 1}`,
        details: {
          key_id: other.body.id,
          reason: 'outside_caller_tree',
          actor_kind: 'api_key',
          actor_credential_id: child.body.id,
        },
      })),
    );
    for (const key of [parent, sibling, child]) {
      expect(JSON.stringify(denied)).not.toContain(key.body.secret as string);
    }

    expect((await revoke(child.body.secret, grandchild.body.id)).status).toBe(204);
    expect(await status(grandchild.body.secret)).toBe(401);
    expect((await revoke(child.body.secret, child.body.id)).status).toBe(204);
    expect(await status(child.body.secret)).toBe(401);
    expect((await revoke(person, sibling.body.id)).status).toBe(204);
    expect(await status(sibling.body.secret)).toBe(401);
    expect(await status(parent.body.secret)).toBe(200);
  });

  it('lists a page at a time, newest first, through next_cursor', async () => {
    const other = await devToken(runtime.dir, {
      subject: 'pager',
      tenant: 'paged',
      roles: ['platform-admin'],
    });
    const ids: string[] = [];
    for (const name of ['k1', 'k2', 'k3']) {
      ids.unshift((await call(other, '/api-keys', { name, subject: 'svc', roles: [] })).body.id);
    }
    const page = async (query: string) => {
      const response = await gw.request(`/api-keys${query}`, { headers: bearer(other) });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const first = await page('?limit=2');
    expect(first.body.items.map((item: { id: string }) => item.id)).toEqual(ids.slice(0, 2));
    expect(first.body.next_cursor).toBe(ids[1]);
    const second = await page(`?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body).toMatchObject({
      items: [expect.objectContaining({ id: ids[2] })],
      next_cursor: null,
    });
    expect((await page('')).body).toMatchObject({ next_cursor: null });
    expect((await page('')).body.items).toHaveLength(3);
    // Another tenant's key is no cursor here: paging never reveals where its keys sit.
    const foreign = (await call(admin, '/api-keys', { name: 'x', subject: 'svc', roles: [] })).body.id;
    for (const query of [
      '?limit=0',
      '?limit=501',
      '?cursor=nope',
      '?cursor=00000000-0000-4000-8000-000000000000',
      `?cursor=${foreign}`,
    ]) {
      expect((await page(query)).status).toBe(422);
    }
  });
});

describe('API key revocation across replicas (two gateways, one database)', () => {
  const runtime = makeRuntimeDir();
  let a: TestGateway;
  let b: TestGateway;
  let admin: string;

  beforeAll(async () => {
    const env = { RUNTIME_DIR: runtime.dir, API_KEY_CACHE_TTL_SEC: '60' };
    a = await startGateway({ env });
    b = await startGateway({ env, databaseUrl: a.databaseUrl });
    admin = await devToken(runtime.dir, { subject: 'admin', tenant: 'fleet', roles: ['platform-admin'] });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    runtime.dispose();
  });

  it('refuses a key revoked on one replica on the other within moments, not after the cache TTL', async () => {
    const parent = await postJson(a, admin, '/api-keys', {
      name: 'p',
      subject: 'svc',
      roles: ['platform-admin'],
    });
    const child = await postJson(a, parent.body.secret, '/api-keys', {
      name: 'c',
      subject: 'svc-c',
      roles: ['platform-admin'],
    });
    const onB = async (token: string) => (await b.request('/api-keys', { headers: bearer(token) })).status;
    expect(await onB(parent.body.secret)).toBe(200); // now cached on B for 60 s
    expect(await onB(child.body.secret)).toBe(200);

    expect(
      (await a.request(`/api-keys/${parent.body.id}`, { method: 'DELETE', headers: bearer(admin) })).status,
    ).toBe(204);
    expect(await waitUntil(async () => (await onB(parent.body.secret)) === 401, 2_000)).toBe(true);
    expect(await onB(child.body.secret)).toBe(401);
  });
});
