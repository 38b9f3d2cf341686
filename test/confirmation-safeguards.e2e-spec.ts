import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { DataSource } from 'typeorm';

import { AuditUnavailableException } from '@toolgate/audit';
import { AUDIT_SINK, type AuditEventInput, type AuditSink } from '@toolgate/core';
import { PolicyService } from '@toolgate/policy';
import { TestProviderService } from '@toolgate/testing';

import { bearer, devToken } from './support/auth-fixtures';
import {
  CATALOG_POLICY,
  type CatalogGateway,
  type Json,
  startCatalogGateway,
} from './support/catalog-gateway';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The catalog policy, plus key admins and senior approvers (who approve like approvers). */
const POLICY = (() => {
  const roles = "  careful: ['test.read', 'test.write']\n";
  const approvers = "      subject.roles: ['approver']\n";
  const extended = CATALOG_POLICY.replace(
    roles,
    `${roles}  key-admin: ['api-keys.manage']\n  senior-approver: ['actions.approve']\n`,
  )
    .replace(approvers, "      subject.roles: ['approver', 'senior-approver']\n")
    .replace(
      'rules:\n',
      "rules:\n  - { id: keys, effect: allow, when: { action: 'api-keys:manage', subject.roles: ['key-admin'] } }\n",
    );
  if (!extended.includes('key-admin') || !extended.includes("['approver', 'senior-approver']"))
    throw new Error('the catalog policy changed: update POLICY');
  return extended;
})();
/** The same, where destructive calls now need a senior approver. */
const SENIOR_POLICY = POLICY.replace(
  "require_approval: { roles: ['approver'] }",
  "require_approval: { roles: ['senior-approver'] }",
);

describe('confirmation safeguards (e2e over HTTP)', () => {
  let cg: CatalogGateway;
  let calls: Map<string, number>;
  const ran = (toolId: string) => calls.get(toolId) ?? 0;
  const db = () => cg.gw.app.get(DataSource);
  const statusInDb = async (id: string): Promise<string | undefined> =>
    ((await db().query('SELECT status FROM pending_actions WHERE id = $1', [id])) as Json[])[0]?.status;
  const invoke = (who: string, toolId: string, body: Json) =>
    cg.call(who, `/tools/${toolId}/invoke`, { method: 'POST', body });
  const confirm = (who: string, toolId: string, body: Json) =>
    cg.call(who, `/tools/${toolId}/confirm`, { method: 'POST', body });
  const decide = (who: string, id: string, verb: 'approve' | 'reject', body: Json = {}) =>
    cg.call(who, `/actions/${id}/${verb}`, { method: 'POST', body });
  const usePolicy = async (text: string) => {
    writeFileSync(join(dirname(cg.runtimeDir), 'policies.yml'), text);
    await cg.gw.app.get(PolicyService).reload();
  };

  /** Makes the audit trail refuse `events` (as it does when it cannot be written) until the returned undo. */
  const auditOutage = (...events: string[]): (() => void) => {
    const sink = cg.gw.app.get<AuditSink>(AUDIT_SINK, { strict: false });
    const record = sink.record.bind(sink);
    sink.record = async (event: AuditEventInput) => {
      if (events.includes(event.event)) throw new AuditUnavailableException(new Error('audit down'));
      return record(event);
    };
    return () => {
      sink.record = record;
    };
  };
  const auditedEvents = async (actionId: string): Promise<string[]> =>
    (
      (await db().query(`SELECT event FROM audit_events WHERE details->>'action_id' = $1 ORDER BY seq`, [
        actionId,
      ])) as Json[]
    ).map((row) => row.event as string);

  beforeAll(async () => {
    cg = await startCatalogGateway({
      env: { CONFIRM_MAX_OPEN_PER_SUBJECT: '3', CONFIRM_SWEEP_INTERVAL_SEC: '1' },
    });
    calls = cg.gw.app.get(TestProviderService).calls;
    await usePolicy(POLICY);
    // test:destroy carries its own rate limit (1 rps, burst 2); a public admin lifts it (as in
    // confirmation.e2e-spec.ts) so the flows below exercise confirmation, not throttling.
    const { body } = await cg.call('writer', '/tool-catalog/test:destroy');
    const fields = ['name', 'description', 'inputs', 'outputs', 'required_scopes', 'provider_id'];
    const put = await cg.call('publicAdmin', '/manifests/test:destroy', {
      method: 'PUT',
      body: Object.fromEntries(
        [...fields, 'safety_tags', 'sensitive_fields'].map((field) => [field, body[field]]),
      ),
    });
    expect(put.status).toBe(200);
  });
  afterAll(() => cg.close());

  describe('when the audit trail cannot be written', () => {
    it('holds nothing: the invoke is 503, and no orphan action is listed, approvable or counted', async () => {
      const restore = auditOutage('actions.create');
      const refused = await Promise.all(
        ['a', 'b', 'c'].map((message) => invoke('hoarder', 'test:echo', { message })),
      );
      const forApproval = await invoke('writer', 'test:destroy', { target: 'orphan' });
      restore();
      for (const answer of [...refused, forApproval]) {
        expect([answer.status, answer.body.code]).toEqual([503, 'AUDIT.UNAVAILABLE']);
      }
      const rows: Json[] = await db().query(
        `SELECT id FROM pending_actions WHERE subject = 'hoarder' OR arguments->>'target' = 'orphan'`,
      );
      expect(rows).toEqual([]);
      const listed = await cg.call('approver', '/actions?status=pending');
      expect((listed.body.actions as Json[]).map((action) => action.arguments.target)).not.toContain(
        'orphan',
      );
      // CONFIRM_MAX_OPEN_PER_SUBJECT is 3: the refused holds took no slot.
      const held = await invoke('hoarder', 'test:echo', { message: 'after the outage' });
      expect(held.status).toBe(202);
      expect(await auditedEvents(held.body.action_id as string)).toEqual(['actions.create']);
      expect(forApproval.body.detail).toMatch(/nothing was held or run/);
    });

    it('reopens a confirmed action whose tools.confirm was not recorded: nothing ran, and the retry runs it once', async () => {
      const held = await invoke('careful', 'test:echo', { message: 'retry me' });
      const body = { action_token: held.body.action_token, message: 'retry me' };
      const before = ran('test:echo');
      const restore = auditOutage('tools.confirm');
      const refused = await confirm('careful', 'test:echo', body);
      restore();
      expect([refused.status, refused.body.code]).toEqual([503, 'AUDIT.UNAVAILABLE']);
      expect(ran('test:echo')).toBe(before);
      expect(await statusInDb(held.body.action_id as string)).toBe('pending');

      const retried = await confirm('careful', 'test:echo', body);
      expect([retried.status, retried.body.result]).toEqual([200, { message: 'retry me' }]);
      expect(ran('test:echo')).toBe(before + 1);
      expect((await confirm('careful', 'test:echo', body)).status).toBe(409);
      expect(refused.body.detail).toMatch(/Retry the confirm/);
    });

    it('undoes an approval, a rejection or a cancel that could not be recorded (503); nothing runs unapproved', async () => {
      const args = { target: 'unrecorded' };
      const held = await invoke('writer', 'test:destroy', args);
      const id = held.body.action_id as string;
      const body = { action_token: held.body.action_token, ...args };
      const before = ran('test:destroy');

      let restore = auditOutage('actions.approve', 'actions.reject', 'actions.cancel');
      const approve = await decide('approver', id, 'approve', { reason: 'ok' });
      const reject = await decide('approver', id, 'reject', { reason: 'no' });
      const cancel = await cg.call('writer', `/actions/${id}`, { method: 'DELETE' });
      restore();
      for (const answer of [approve, reject, cancel]) {
        expect([answer.status, answer.body.code]).toEqual([503, 'AUDIT.UNAVAILABLE']);
        expect(answer.body.detail).toMatch(/it stays pending/);
      }
      expect((await cg.call('approver', `/actions/${id}`)).body).toMatchObject({
        status: 'pending',
        decided_by: null,
        decision_reason: null,
        decided_at: null,
      });
      const early = await confirm('writer', 'test:destroy', body);
      expect([early.status, early.body.code]).toEqual([409, 'CONFIRMATION.AWAITING_APPROVAL']);
      expect(ran('test:destroy')).toBe(before);

      expect((await decide('approver', id, 'approve', { reason: 'ok' })).status).toBe(200);
      restore = auditOutage('actions.cancel');
      const cancelApproved = await cg.call('writer', `/actions/${id}`, { method: 'DELETE' });
      restore();
      expect(cancelApproved.status).toBe(503);
      expect((await cg.call('approver', `/actions/${id}`)).body).toMatchObject({
        status: 'approved',
        decided_by: 'approver',
        decision_reason: 'ok',
      });
      expect((await confirm('writer', 'test:destroy', body)).status).toBe(200);
      expect(ran('test:destroy')).toBe(before + 1);
      expect(await auditedEvents(id)).toEqual([
        'actions.create',
        'tools.confirm', // the early confirm, refused
        'actions.approve',
        'tools.confirm',
      ]);
    });
  });

  describe('when a reloaded policy takes other approvers', () => {
    afterEach(() => usePolicy(POLICY));

    it('refuses the confirm of an approval the policy no longer takes (409, nothing runs, the action stays approved)', async () => {
      const args = { target: 'stricter' };
      const held = await invoke('writer', 'test:destroy', args);
      const id = held.body.action_id as string;
      expect((await decide('approver', id, 'approve')).status).toBe(200);
      await usePolicy(SENIOR_POLICY);
      const before = ran('test:destroy');
      const stale = await confirm('writer', 'test:destroy', {
        action_token: held.body.action_token,
        ...args,
      });
      expect([stale.status, stale.body.code]).toEqual([409, 'CONFIRMATION.POLICY_CHANGED']);
      expect(stale.body.approver_roles).toEqual(['senior-approver']);
      expect(ran('test:destroy')).toBe(before);
      expect(await statusInDb(id)).toBe('approved');
    });

    it('takes an approval only from a role the current policy names, besides those the action was held with', async () => {
      const args = { target: 'needs a senior' };
      const held = await invoke('writer', 'test:destroy', args);
      const id = held.body.action_id as string;
      await usePolicy(SENIOR_POLICY);
      const refused = await decide('approver', id, 'approve');
      expect([refused.status, refused.body.code]).toEqual([403, 'ACTIONS.FORBIDDEN']);
      expect(refused.body.detail).toContain('senior-approver');
      expect(await statusInDb(id)).toBe('pending');

      const senior = await devToken(cg.runtimeDir, {
        subject: 'sam',
        tenant: 'acme',
        roles: ['approver', 'senior-approver'],
      });
      const approved = await cg.gw.request(`/actions/${id}/approve`, {
        method: 'POST',
        headers: { ...bearer(senior), 'content-type': 'application/json' },
        body: '{}',
      });
      expect(approved.status).toBe(200);
      const before = ran('test:destroy');
      const confirmed = await confirm('writer', 'test:destroy', {
        action_token: held.body.action_token,
        ...args,
      });
      expect(confirmed.status).toBe(200);
      expect(ran('test:destroy')).toBe(before + 1);
    });
  });

  it('never shows held actions to an API key, even one minted with an approver role (403)', async () => {
    const admin = await devToken(cg.runtimeDir, { subject: 'kim', tenant: 'acme', roles: ['key-admin'] });
    const minted = await cg.gw.request('/api-keys', {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'reader', subject: 'robot', roles: ['approver'] }),
    });
    expect(minted.status).toBe(201);
    const { secret } = (await minted.json()) as Json;
    const held = await invoke('writer', 'test:destroy', { target: 'secret plans' });
    for (const path of ['/actions?status=pending', `/actions/${held.body.action_id}`]) {
      const read = await cg.gw.request(path, { headers: bearer(secret as string) });
      const problem = (await read.json()) as Json;
      expect([read.status, problem.code]).toEqual([403, 'ACTIONS.FORBIDDEN']);
      expect(JSON.stringify(problem)).not.toContain('secret plans');
    }
  });

  it('deletes finished actions CONFIRM_RETENTION_DAYS (30) after their expiry; recent and open ones stay', async () => {
    const hold = async (message: string) => {
      const held = await invoke('careful', 'test:echo', { message });
      return { id: held.body.action_id as string, body: { action_token: held.body.action_token, message } };
    };
    // CONFIRM_MAX_OPEN_PER_SUBJECT is 3 here: confirm the first two before holding more.
    const [old, recent] = [await hold('old'), await hold('recent')];
    for (const { body } of [old, recent])
      expect((await confirm('careful', 'test:echo', body)).status).toBe(200);
    const [lapsed, open] = [await hold('lapsed'), await hold('open')];
    const age = (id: string, days: number) =>
      db().query(`UPDATE pending_actions SET expires_at = now() - make_interval(days => $2) WHERE id = $1`, [
        id,
        days,
      ]);
    await age(old.id, 31);
    await age(recent.id, 29);
    await age(lapsed.id, 1);
    // The sweep runs every second here: it marks the lapsed one expired and deletes the old finished one.
    for (let waited = 0; waited < 5_000 && (await statusInDb(old.id)); waited += 200) await sleep(200);
    expect(await statusInDb(old.id)).toBeUndefined();
    expect(await statusInDb(recent.id)).toBe('consumed');
    expect(await statusInDb(lapsed.id)).toBe('expired');
    expect(await statusInDb(open.id)).toBe('pending');
    // Its audit events stay.
    expect(await auditedEvents(old.id)).toEqual(['actions.create', 'tools.confirm']);
  });
});
