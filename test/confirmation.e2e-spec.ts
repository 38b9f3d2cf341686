import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { DataSource } from 'typeorm';

import { ConfirmationService } from '@toolgate/confirmation';
import { TestProviderService } from '@toolgate/testing';

import { bearer, devToken } from './support/auth-fixtures';
import {
  type CatalogGateway,
  type Json,
  manifest,
  PEOPLE,
  startCatalogGateway,
} from './support/catalog-gateway';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Sends `n` identical requests at once from a separate process (in-process fetch serialises them behind
 * the test's own event loop) and returns their statuses.
 */
function burst(url: string, n: number, init: RequestInit): Promise<number[]> {
  const script =
    'const [url, n, init] = JSON.parse(process.argv[1]);' +
    'Promise.all(Array.from({ length: n }, () => fetch(url, init).then((r) => r.status)))' +
    '.then((s) => process.stdout.write(JSON.stringify(s)));';
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script, JSON.stringify([url, n, init])], (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as number[]),
    );
  });
}

/** Helpers bound to one gateway. */
function client(cg: CatalogGateway) {
  const invoke = (who: string, toolId: string, body: Json) =>
    cg.call(who, `/tools/${toolId}/invoke`, { method: 'POST', body });
  const confirm = (who: string, toolId: string, body: Json) =>
    cg.call(who, `/tools/${toolId}/confirm`, { method: 'POST', body });
  const action = (who: string, id: string, verb?: 'approve' | 'reject', body: Json = {}) =>
    verb ? cg.call(who, `/actions/${id}/${verb}`, { method: 'POST', body }) : cg.call(who, `/actions/${id}`);
  const statusInDb = async (id: string): Promise<string> => {
    const rows: { status: string }[] = await cg.gw.app
      .get(DataSource)
      .query('SELECT status FROM pending_actions WHERE id = $1', [id]);
    return rows[0].status;
  };
  return { invoke, confirm, action, statusInDb };
}

describe('confirmation and approvals (e2e over HTTP)', () => {
  let cg: CatalogGateway;
  let calls: Map<string, number>;
  let api: ReturnType<typeof client>;
  const ran = (toolId: string) => calls.get(toolId) ?? 0;

  beforeAll(async () => {
    cg = await startCatalogGateway();
    calls = cg.gw.app.get(TestProviderService).calls;
    api = client(cg);
    // test:destroy carries its own rate limit (1 rps, burst 2); a public admin lifts it so the flows below
    // exercise confirmation, not throttling.
    const { body } = await cg.call('writer', '/tool-catalog/test:destroy');
    const {
      name,
      description,
      inputs,
      outputs,
      required_scopes,
      provider_id,
      safety_tags,
      sensitive_fields,
    } = body;
    const put = await cg.call('publicAdmin', '/manifests/test:destroy', {
      method: 'PUT',
      body: {
        name,
        description,
        inputs,
        outputs,
        required_scopes,
        provider_id,
        safety_tags,
        sensitive_fields,
      },
    });
    expect(put.status).toBe(200);
  });
  afterAll(() => cg.close());

  describe('confirmation', () => {
    it('holds the call (202, nothing runs), then confirm runs it once under the same correlation id', async () => {
      const before = ran('test:echo');
      const held = await api.invoke('careful', 'test:echo', { message: 'hi', count: 1 });
      expect(held.status).toBe(202);
      expect(held.body).toEqual({
        requires_confirmation: true,
        action_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        action_token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
        expires_at: expect.any(String),
        requires_approval: false,
        correlation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(held.body.correlation_id).not.toBe(held.headers.get('x-request-id'));
      const ttl = Date.parse(held.body.expires_at) - Date.now();
      expect(ttl).toBeGreaterThan(290_000);
      expect(ttl).toBeLessThanOrEqual(300_000);
      expect(ran('test:echo')).toBe(before);

      const { action_token } = held.body;
      const confirmed = await api.confirm('careful', 'test:echo', { action_token, message: 'hi', count: 1 });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toEqual({
        toolId: 'test:echo',
        result: { message: 'hi', count: 1 },
        token_meta: { token_type: 'none', expires_in: 0, scopes: [] },
        correlation_id: held.body.correlation_id,
      });
      expect(confirmed.headers.get('x-request-id')).not.toBe(held.headers.get('x-request-id'));
      expect(ran('test:echo')).toBe(before + 1);

      const again = await api.confirm('careful', 'test:echo', { action_token, message: 'hi', count: 1 });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('CONFIRMATION.ALREADY_CONSUMED');
      expect(ran('test:echo')).toBe(before + 1);
      expect(await api.statusInDb(held.body.action_id)).toBe('consumed');
    });

    it('holds and runs a call whose arguments hold a NUL or a lone surrogate, with the exact arguments', async () => {
      for (const raw of ['{"message":"a\\u0000b"}', '{"message":"a\\ud800b"}']) {
        const before = ran('test:echo');
        const json = { 'content-type': 'application/json' };
        const held = await cg.call('careful', '/tools/test:echo/invoke', {
          method: 'POST',
          raw,
          headers: json,
        });
        expect(held.status).toBe(202);
        const [stored] = await cg.gw.app
          .get(DataSource)
          .query('SELECT arguments FROM pending_actions WHERE id = $1', [held.body.action_id]);
        expect(stored.arguments).toEqual({ message: 'a\ufffdb' });
        const confirmed = await cg.call('careful', '/tools/test:echo/confirm', {
          method: 'POST',
          raw: `{"action_token":"${held.body.action_token}",${raw.slice(1)}`,
          headers: json,
        });
        expect(confirmed.status).toBe(200);
        expect(confirmed.body.result).toEqual(JSON.parse(raw));
        expect(ran('test:echo')).toBe(before + 1);
      }
    });

    it('refuses at confirm what the invoke would refuse: a number out of JSON range is 422 and stays pending', async () => {
      const body = manifest({
        toolId: 'test:set-limit',
        name: 'Set limit',
        description: 'Sets a limit; null clears it.',
        inputs: { type: 'object', properties: { limit: { type: ['number', 'null'] } } },
        required_scopes: ['test.read'],
        safety_tags: ['destructive'],
      });
      expect((await cg.call('acmeAdmin', '/manifests/register', { method: 'POST', body })).status).toBe(201);
      const held = await api.invoke('careful', 'test:set-limit', { limit: null });
      expect(held.status).toBe(202);
      const token = held.body.action_token as string;
      // 1e400 parses to Infinity, which JSON (and the payload digest) would write as null.
      const overflow = await cg.call('careful', '/tools/test:set-limit/confirm', {
        method: 'POST',
        raw: `{"action_token":"${token}","limit":1e400}`,
      });
      expect(overflow.status).toBe(422);
      expect(overflow.body.errors).toEqual([
        { pointer: '/limit', detail: expect.stringMatching(/not finite/) },
      ]);
      expect(await api.statusInDb(held.body.action_id)).toBe('pending');
      const refused = await cg.call('careful', '/tools/test:set-limit/invoke', {
        method: 'POST',
        raw: '{"limit":-1e999}',
      });
      expect(refused.status).toBe(422);
    });

    it('takes the token from the Action-Token header, so a tool may have an argument named action_token', async () => {
      const held = await api.invoke('careful', 'test:echo', { message: 'by header' });
      const confirmed = await cg.call('careful', '/tools/test:echo/confirm', {
        method: 'POST',
        body: { message: 'by header' },
        headers: { 'action-token': held.body.action_token as string },
      });
      expect([confirmed.status, confirmed.body.result]).toEqual([200, { message: 'by header' }]);

      const body = manifest({
        toolId: 'test:tokenized',
        name: 'Tokenized',
        description: 'Takes an argument named action_token.',
        inputs: { type: 'object', properties: { action_token: { type: 'string' } } },
        required_scopes: ['test.read'],
        safety_tags: ['destructive'],
      });
      expect((await cg.call('acmeAdmin', '/manifests/register', { method: 'POST', body })).status).toBe(201);
      const args = { action_token: 'the tool’s own value' };
      const tokenized = await api.invoke('careful', 'test:tokenized', args);
      expect(tokenized.status).toBe(202);
      const byHeader = await cg.call('careful', '/tools/test:tokenized/confirm', {
        method: 'POST',
        body: args,
        headers: { 'action-token': tokenized.body.action_token as string },
      });
      // The action was consumed for these exact arguments (the test provider itself has no such tool).
      expect(byHeader.body.code).not.toMatch(/^(CONFIRMATION|REQUEST)\./);
      expect(await api.statusInDb(tokenized.body.action_id)).toBe('consumed');
    });

    it('binds the canonical JSON: reordered keys and whitespace confirm, a changed value is 422 and stays pending', async () => {
      const held = await api.invoke('careful', 'test:echo', { message: 'pay', count: 2 });
      const token = held.body.action_token as string;
      const changed = await api.confirm('careful', 'test:echo', {
        action_token: token,
        message: 'pay',
        count: 3,
      });
      expect(changed.status).toBe(422);
      expect(changed.body.code).toBe('CONFIRMATION.PAYLOAD_MISMATCH');
      const extra = await api.confirm('careful', 'test:echo', { action_token: token, message: 'pay' });
      expect(extra.status).toBe(422);
      expect(await api.statusInDb(held.body.action_id)).toBe('pending');

      const reordered = await cg.call('careful', '/tools/test:echo/confirm', {
        method: 'POST',
        raw: `{ "count" : 2 ,\n\t"action_token":"${token}",   "message":"pay" }`,
      });
      expect(reordered.status).toBe(200);
      expect(reordered.body.result).toEqual({ message: 'pay', count: 2 });
    });

    it("answers 401 for malformed, unknown or another tool's tokens and 404 for another subject's or tenant's", async () => {
      const args = { message: 'mine' };
      const held = await api.invoke('careful', 'test:echo', args);
      const action_token = held.body.action_token as string;
      const before = ran('test:echo');

      const malformed = await api.confirm('careful', 'test:echo', { action_token: 'nope', ...args });
      expect([malformed.status, malformed.body.code]).toEqual([401, 'CONFIRMATION.INVALID_TOKEN']);
      const unknown = await api.confirm('careful', 'test:echo', {
        action_token: randomBytes(24).toString('base64url'),
        ...args,
      });
      expect([unknown.status, unknown.body.code]).toEqual([401, 'CONFIRMATION.INVALID_TOKEN']);
      // Arguments valid for the other tool: a confirm's arguments are checked against its schema first.
      const otherTool = await api.confirm('careful', 'test:slow', { action_token, ms: 1 });
      expect([otherTool.status, otherTool.body.code]).toEqual([401, 'CONFIRMATION.INVALID_TOKEN']);
      const missing = await api.confirm('careful', 'test:echo', args);
      expect(missing.status).toBe(422);

      const otherSubject = await api.confirm('reader', 'test:echo', { action_token, ...args });
      expect([otherSubject.status, otherSubject.body.code]).toEqual([404, 'CONFIRMATION.NOT_FOUND']);
      const otherTenant = await api.confirm('globexReader', 'test:echo', { action_token, ...args });
      expect([otherTenant.status, otherTenant.body.code]).toEqual([404, 'CONFIRMATION.NOT_FOUND']);
      expect(ran('test:echo')).toBe(before);

      expect((await api.confirm('careful', 'test:echo', { action_token, ...args })).status).toBe(200);
    });

    it('runs the tool exactly once for 50 concurrent confirms of one token', async () => {
      const held = await api.invoke('careful', 'test:slow', { ms: 50 });
      const before = ran('test:slow');
      const token = await devToken(cg.runtimeDir, { subject: 'careful', ...PEOPLE.careful });
      const statuses = await burst(`${cg.gw.baseUrl}/tools/test:slow/confirm`, 50, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ action_token: held.body.action_token, ms: 50 }),
      });
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(49);
      expect(ran('test:slow')).toBe(before + 1);
    });

    it('consumes an action once however many confirms pass the checks together', async () => {
      const held = await api.invoke('careful', 'test:echo', { message: 'race' });
      const principal = { subject: 'careful', ...PEOPLE.careful, scopes: [], kind: 'jwt' as const };
      const confirmation = cg.gw.app.get(ConfirmationService);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () =>
          confirmation.consume({
            principal,
            toolId: 'test:echo',
            actionToken: held.body.action_token as string,
            input: { message: 'race' },
            manifestVersion: 1,
            decision: { policy_version: 'any', require_approval: null },
            requestId: 'race',
          }),
        ),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const losers = results.filter(
        (result): result is PromiseRejectedResult => result.status === 'rejected',
      );
      expect(losers.map((loser) => (loser.reason as { status: number }).status)).toEqual(Array(49).fill(409));
    });

    it('authorizes again at confirm: a caller whose roles changed gets 403 and nothing runs', async () => {
      const held = await api.invoke('careful', 'test:echo', { message: 'role change' });
      const demoted = await devToken(cg.runtimeDir, { subject: 'careful', tenant: 'acme', roles: [] });
      const before = ran('test:echo');
      const denied = await cg.gw.request('/tools/test:echo/confirm', {
        method: 'POST',
        headers: { ...bearer(demoted), 'content-type': 'application/json' },
        body: JSON.stringify({ action_token: held.body.action_token, message: 'role change' }),
      });
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as Json).code).toBe('POLICY.DENIED');
      expect(ran('test:echo')).toBe(before);
      expect(await api.statusInDb(held.body.action_id)).toBe('pending');
    });

    it('refuses a confirm after the tool manifest changed (409)', async () => {
      const tool = manifest({ toolId: 'test:archive', safety_tags: ['destructive'] });
      expect((await cg.call('acmeAdmin', '/manifests/register', { method: 'POST', body: tool })).status).toBe(
        201,
      );
      const held = await api.invoke('careful', 'test:archive', { query: 'old' });
      expect(held.status).toBe(202);
      const { toolId: _toolId, ...rest } = tool;
      const updated = await cg.call('acmeAdmin', '/manifests/test:archive', {
        method: 'PUT',
        body: { ...rest, description: 'Archives a record (changed).' },
      });
      expect(updated.body.version).toBe(2);
      const stale = await api.confirm('careful', 'test:archive', {
        action_token: held.body.action_token,
        query: 'old',
      });
      expect([stale.status, stale.body.code]).toEqual([409, 'CONFIRMATION.MANIFEST_CHANGED']);
    });

    it('holds at most 100 open actions per subject (then 429); cancelling one frees a slot', async () => {
      const ids: string[] = [];
      for (let batch = 0; batch < 10; batch += 1) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            api.invoke('hoarder', 'test:echo', { message: `${batch}-${i}` }),
          ),
        );
        expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(202));
        ids.push(...answers.map((answer) => answer.body.action_id as string));
      }
      const refused = await api.invoke('hoarder', 'test:echo', { message: 'one too many' });
      expect([refused.status, refused.body.code]).toEqual([429, 'CONFIRMATION.TOO_MANY_OPEN']);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await api.invoke('careful', 'test:echo', { message: 'others unaffected' })).status).toBe(202);

      expect((await cg.call('hoarder', `/actions/${ids[0]}`, { method: 'DELETE' })).status).toBe(200);
      expect((await api.invoke('hoarder', 'test:echo', { message: 'fits again' })).status).toBe(202);
    });
  });

  describe('approvals', () => {
    it('holds until another principal approves; the approver sees redacted arguments; then confirm runs', async () => {
      const args = { target: 'db-1', reason: 'customer secret' };
      const held = await api.invoke('writer', 'test:destroy', args);
      expect(held.status).toBe(202);
      expect(held.body.requires_approval).toBe(true);
      const id = held.body.action_id as string;
      const confirmBody = { action_token: held.body.action_token, ...args };
      const before = ran('test:destroy');

      const early = await api.confirm('writer', 'test:destroy', confirmBody);
      expect([early.status, early.body.code]).toEqual([409, 'CONFIRMATION.AWAITING_APPROVAL']);

      const list = await cg.call('approver', '/actions?status=pending');
      expect(list.status).toBe(200);
      const listed = (list.body.actions as Json[]).find((action) => action.action_id === id);
      const view = {
        action_id: id,
        toolId: 'test:destroy',
        status: 'pending',
        arguments: { target: 'db-1', reason: '[REDACTED]' },
        requester: { subject: 'writer', roles: ['test-admin'] },
        requires_approval: true,
        approver_roles: ['approver'],
        policy_rule: 'destructive-needs-approval',
        expires_at: held.body.expires_at,
        correlation_id: held.body.correlation_id,
      };
      expect(listed).toMatchObject(view);
      expect(list.text).not.toContain('customer secret');
      expect(list.text).not.toContain(held.body.action_token);
      const one = await api.action('approver', id);
      expect(one.body).toMatchObject(view);
      expect((await cg.call('reader', `/actions/${id}`)).status).toBe(403);

      const approved = await api.action('approver', id, 'approve', { reason: 'checked' });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'approved',
        decided_by: 'approver',
        decision_reason: 'checked',
      });
      expect((await api.action('approver', id, 'approve')).status).toBe(409);
      expect(ran('test:destroy')).toBe(before);

      const confirmed = await api.confirm('writer', 'test:destroy', confirmBody);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({
        result: { destroyed: 'db-1' },
        correlation_id: held.body.correlation_id,
      });
      expect(ran('test:destroy')).toBe(before + 1);
      expect((await api.action('approver', id)).body.status).toBe('consumed');
    });

    it('redacts sensitive_fields (paths from the arguments) and secret names alike in pending_actions, the view and the audit trail', async () => {
      const body = manifest({
        toolId: 'test:pay',
        name: 'Pay',
        description: 'Pays with a card.',
        inputs: {
          type: 'object',
          properties: {
            card: { type: 'object', properties: { number: { type: 'string' }, holder: { type: 'string' } } },
            github_token: { type: 'string' },
            db_password: { type: 'string' },
          },
          additionalProperties: false,
        },
        required_scopes: ['test.write'],
        safety_tags: ['destructive'],
        sensitive_fields: ['card.number'],
      });
      expect((await cg.call('acmeAdmin', '/manifests/register', { method: 'POST', body })).status).toBe(201);
      const args = {
        card: { number: '4111111111111111', holder: 'Ann' },
        github_token: 'ghp_SECRETSECRETSECRET',
        db_password: 'hunter2',
      };
      const held = await api.invoke('writer', 'test:pay', args);
      expect(held.status).toBe(202);
      const id = held.body.action_id as string;
      const redacted = {
        card: { holder: 'Ann', number: '[REDACTED]' },
        db_password: '[REDACTED]',
        github_token: '[REDACTED]',
      };
      expect((await api.action('approver', id)).body.arguments).toEqual(redacted);
      expect((await api.action('approver', id, 'approve', {})).status).toBe(200);
      await api.confirm('writer', 'test:pay', { action_token: held.body.action_token, ...args });
      const db = cg.gw.app.get(DataSource);
      const [stored] = await db.query('SELECT arguments FROM pending_actions WHERE id = $1', [id]);
      expect(stored.arguments).toEqual(redacted);
      const events: { details: Json }[] = await db.query(
        `SELECT details FROM audit_events WHERE tool_id = 'test:pay' AND event = 'tools.invoke' AND status = 'intent'`,
      );
      expect(events.length).toBeGreaterThan(0);
      expect(events[0].details.arguments).toEqual(redacted);
      const everything = JSON.stringify(await db.query('SELECT details FROM audit_events'));
      for (const secret of ['4111111111111111', 'ghp_SECRET', 'hunter2'])
        expect(everything).not.toContain(secret);
    });

    it('answers 422 for a NUL in an approve or reject reason', async () => {
      const held = await api.invoke('writer', 'test:destroy', { target: 'db-nul' });
      const id = held.body.action_id as string;
      for (const verb of ['approve', 'reject'] as const) {
        const answer = await api.action('approver', id, verb, { reason: 'ok\u0000' });
        expect([answer.status, answer.body.code]).toEqual([422, 'REQUEST.VALIDATION_FAILED']);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(answer.body.errors).toEqual([{ pointer: '/reason', detail: expect.stringMatching(/NUL/) }]);
      }
      expect(await api.statusInDb(id)).toBe('pending');
    });

    it('never runs a rejected action (409); a reject needs a reason', async () => {
      const held = await api.invoke('writer', 'test:destroy', { target: 'db-2' });
      const id = held.body.action_id as string;
      expect((await api.action('approver', id, 'reject', {})).status).toBe(422);
      const rejected = await api.action('approver', id, 'reject', { reason: 'not today' });
      expect(rejected.body).toMatchObject({ status: 'rejected', decision_reason: 'not today' });
      const confirm = await api.confirm('writer', 'test:destroy', {
        action_token: held.body.action_token,
        target: 'db-2',
      });
      expect([confirm.status, confirm.body.code]).toEqual([409, 'CONFIRMATION.REJECTED']);
      expect((await api.action('approver', id, 'approve')).status).toBe(409);
    });

    it('refuses self-approval (403, by the separation-of-duties rule) and approvals without the role', async () => {
      const held = await api.invoke('writerApprover', 'test:destroy', { target: 'db-3' });
      const id = held.body.action_id as string;
      const self = await api.action('writerApprover', id, 'approve', { reason: 'me' });
      expect(self.status).toBe(403);
      expect(self.body).toMatchObject({ code: 'POLICY.DENIED', denied_by: 'approval-separation-of-duties' });
      expect((await api.action('writer', id, 'approve')).status).toBe(403);
      expect(await api.statusInDb(id)).toBe('pending');
      expect((await api.action('approver', id, 'approve')).status).toBe(200);
      const confirmed = await api.confirm('writerApprover', 'test:destroy', {
        action_token: held.body.action_token,
        target: 'db-3',
      });
      expect(confirmed.status).toBe(200);
    });

    it('lets the requester cancel (not anyone else); a cancelled action never runs', async () => {
      const held = await api.invoke('writer', 'test:destroy', { target: 'db-4' });
      const id = held.body.action_id as string;
      expect((await cg.call('writer2', `/actions/${id}`, { method: 'DELETE' })).status).toBe(403);
      expect((await cg.call('approver', `/actions/${id}`, { method: 'DELETE' })).status).toBe(403);
      const cancelled = await cg.call('writer', `/actions/${id}`, { method: 'DELETE' });
      expect([cancelled.status, cancelled.body.status]).toEqual([200, 'cancelled']);
      const confirm = await api.confirm('writer', 'test:destroy', {
        action_token: held.body.action_token,
        target: 'db-4',
      });
      expect([confirm.status, confirm.body.code]).toEqual([409, 'CONFIRMATION.CANCELLED']);
      expect((await cg.call('writer', `/actions/${id}`, { method: 'DELETE' })).status).toBe(409);
      expect((await api.action('approver', id, 'approve')).status).toBe(409);
    });

    it("answers 404 for another tenant's actions and tokens", async () => {
      const held = await api.invoke('writer', 'test:destroy', { target: 'db-5' });
      const id = held.body.action_id as string;
      expect((await api.action('globexApprover', id)).status).toBe(404);
      expect((await api.action('globexApprover', id, 'approve')).status).toBe(404);
      const globexList = await cg.call('globexApprover', '/actions?status=pending');
      expect((globexList.body.actions as Json[]).map((action) => action.action_id)).not.toContain(id);
      const foreign = await api.confirm('globexWriter', 'test:destroy', {
        action_token: held.body.action_token,
        target: 'db-5',
      });
      expect(foreign.status).toBe(404);
      expect((await api.action('approver', 'not-a-uuid')).status).toBe(404);
      expect(await api.statusInDb(id)).toBe('pending');
    });

    it('is only for approvers: listing needs actions:approve; bad filters are 422', async () => {
      expect((await cg.call('writer', '/actions')).status).toBe(403);
      expect((await cg.call('approver', '/actions?status=bogus')).status).toBe(422);
      expect((await cg.call('approver', '/actions?limit=1000')).status).toBe(422);
      expect((await cg.call('approver', '/actions?status=consumed&limit=1')).body.actions).toHaveLength(1);
    });
  });
});

describe('confirmation expiry (e2e, CONFIRM_TTL_SEC=1)', () => {
  let cg: CatalogGateway;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    cg = await startCatalogGateway({ env: { CONFIRM_TTL_SEC: '1' } });
    api = client(cg);
  });
  afterAll(() => cg.close());

  it('expires actions: reads show expired at once, confirm is 401, the sweep marks them expired', async () => {
    const calls = cg.gw.app.get(TestProviderService).calls;
    const quick = await api.invoke('careful', 'test:echo', { message: 'late' });
    const approval = await api.invoke('writer', 'test:destroy', { target: 'late' });
    const swept = await api.invoke('careful', 'test:echo', { message: 'swept' });
    expect([quick.status, approval.status, swept.status]).toEqual([202, 202, 202]);
    await sleep(1_200);

    const approvalId = approval.body.action_id as string;
    expect((await api.action('approver', approvalId)).body.status).toBe('expired');
    expect(await api.statusInDb(approvalId)).toBe('pending');
    const listed = await cg.call('approver', '/actions?status=expired');
    expect((listed.body.actions as Json[]).map((action) => action.action_id)).toContain(approvalId);
    const pending = await cg.call('approver', '/actions?status=pending');
    expect((pending.body.actions as Json[]).map((action) => action.action_id)).not.toContain(approvalId);
    expect((await api.action('approver', approvalId, 'approve')).status).toBe(409);

    const before = calls.get('test:echo') ?? 0;
    const late = await api.confirm('careful', 'test:echo', {
      action_token: quick.body.action_token,
      message: 'late',
    });
    expect([late.status, late.body.code]).toEqual([401, 'CONFIRMATION.EXPIRED']);
    expect(calls.get('test:echo') ?? 0).toBe(before);
    expect(await api.statusInDb(quick.body.action_id)).toBe('expired');

    expect(await api.statusInDb(swept.body.action_id)).toBe('pending');
    expect(await cg.gw.app.get(ConfirmationService).sweepExpired()).toBeGreaterThanOrEqual(1);
    expect(await api.statusInDb(swept.body.action_id)).toBe('expired');
  });
});
