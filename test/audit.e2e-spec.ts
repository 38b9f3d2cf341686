import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ANCHOR_PUBLIC_KEY_FILE, readAnchorPublicKey, verifyJsonlFile } from '@toolgate/audit';
import { runSql, TestProviderService, waitUntil } from '@toolgate/testing';

import { type AuditGateway, type Json, startAuditGateway } from './support/audit-gateway';

type Row = Json & { seq: string; event: string; status: string | null };

describe('audit trail (e2e over HTTP)', () => {
  let ag: AuditGateway;
  let calls: Map<string, number>;
  const sql = (text: string, params: unknown[] = []) => runSql<Row>(ag.gw.databaseUrl, text, params);
  const eventsOf = (column: string, value: string) =>
    sql(`SELECT * FROM audit_events WHERE ${column} = $1 ORDER BY tenant, seq`, [value]);
  const invoke = (who: string, toolId: string, body: unknown) =>
    ag.call(who, `/tools/${toolId}/invoke`, { method: 'POST', body });

  /** Events that do not hold the answer back (401/403/429) are committed shortly after it. */
  async function eventually(column: string, value: string): Promise<Row[]> {
    let rows: Row[] = [];
    await waitUntil(async () => (rows = await eventsOf(column, value)).length > 0, 10_000, 50);
    return rows;
  }

  beforeAll(async () => {
    ag = await startAuditGateway({ AUTH_FAILURE_WINDOW_SEC: '1', RATE_LIMIT_AUDIT_WINDOW_SEC: '1' });
    calls = ag.gw.app.get(TestProviderService).calls;
  });
  afterAll(async () => {
    await ag.close();
    ag.dispose();
  });

  it('writes intent and outcome, with the response correlation_id, before the response', async () => {
    const answer = await invoke('reader', 'test:echo', { message: 'hello' });
    expect(answer.status).toBe(200);
    const rows = await eventsOf('correlation_id', answer.body.correlation_id);
    expect(rows.map((row) => [row.event, row.status, row.tenant, row.subject, row.tool_id])).toEqual([
      ['tools.invoke', 'intent', 'acme', 'reader', 'test:echo'],
      ['tools.invoke', 'ok', 'acme', 'reader', 'test:echo'],
    ]);
    expect(rows[0]).toMatchObject({ decision: 'allow', request_id: answer.headers.get('x-request-id') });
    expect(rows[0].details).toMatchObject({ arguments: { message: 'hello' }, provider_id: 'test' });
    expect(rows[0].payload_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[1].details).toMatchObject({ http_status: 200 });
    expect(Number(rows[1].seq)).toBeGreaterThan(Number(rows[0].seq));
  });

  it("joins a call's events by the gateway's own id, not by the caller's X-Request-Id", async () => {
    const headers = { 'x-request-id': 'agent-chosen-id' };
    const first = await ag.call('reader', '/tools/test:echo/invoke', {
      method: 'POST',
      body: { message: 'one' },
      headers,
    });
    const second = await ag.call('reader', '/tools/test:echo/invoke', {
      method: 'POST',
      body: { message: 'two' },
      headers,
    });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.headers.get('x-request-id')).toBe('agent-chosen-id');
    const ids = [first.body.correlation_id, second.body.correlation_id];
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(2);
    for (const [index, id] of ids.entries()) {
      const rows = await eventsOf('correlation_id', id as string);
      expect(
        rows.map((row) => [row.status, row.request_id, (row.details as Json).arguments ?? null]),
      ).toEqual([
        ['intent', 'agent-chosen-id', { message: index === 0 ? 'one' : 'two' }],
        ['ok', 'agent-chosen-id', null],
      ]);
    }
    expect(await eventsOf('correlation_id', 'agent-chosen-id')).toEqual([]);
  });

  it("masks the tool's sensitive_fields in the intent", async () => {
    const registered = await ag.call('admin', '/manifests/register', {
      method: 'POST',
      body: {
        toolId: 'test:secretive',
        name: 'Secretive',
        description: 'Takes a secret note.',
        inputs: { type: 'object', properties: { note: { type: 'string' } }, additionalProperties: false },
        outputs: { type: 'object' },
        required_scopes: ['test.read'],
        provider_id: 'test',
        sensitive_fields: ['note'],
        rate_limit: { rps: 1, burst: 1 },
      },
    });
    expect(registered.status).toBe(201);
    const answer = await invoke('reader', 'test:secretive', { note: 'launch codes' });
    const [intent] = await eventsOf('request_id', answer.headers.get('x-request-id')!);
    expect(intent.details.arguments).toEqual({ note: '[REDACTED]' });
    expect(JSON.stringify(await sql(`SELECT details FROM audit_events`))).not.toContain('launch codes');
  });

  it('answers 503 AUDIT.UNAVAILABLE without calling the provider when the intent cannot be written', async () => {
    const before = calls.get('test:echo') ?? 0;
    await sql('ALTER TABLE audit_events RENAME TO audit_events_away');
    try {
      const refused = await invoke('reader', 'test:echo', { message: 'not now' });
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('AUDIT.UNAVAILABLE');
      expect(calls.get('test:echo') ?? 0).toBe(before);
    } finally {
      await sql('ALTER TABLE audit_events_away RENAME TO audit_events');
    }
    expect((await invoke('reader', 'test:echo', { message: 'back' })).status).toBe(200);
    expect(calls.get('test:echo')).toBe(before + 1);
  });

  it('audits 401 in the gateway chain, without the credential', async () => {
    const missing = await ag.call('stranger', '/audit');
    expect(missing.status).toBe(401);
    const bogus = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.AAAAAAAAAAAAAAAA';
    const invalid = await ag.call('stranger', '/tools/test:echo/invoke', {
      method: 'POST',
      body: { message: 'x' },
      headers: { authorization: `Bearer ${bogus}` },
    });
    expect(invalid.status).toBe(401);
    const [noToken] = await eventually('request_id', missing.headers.get('x-request-id')!);
    const [badToken] = await eventually('request_id', invalid.headers.get('x-request-id')!);
    expect(noToken).toMatchObject({
      tenant: '_gateway',
      event: 'auth.failure',
      status: '401',
      subject: null,
    });
    expect(badToken.details).toMatchObject({ code: 'AUTH.INVALID_TOKEN', route: '/tools/:toolId/invoke' });
    expect(badToken.details.credential_fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(await sql('SELECT * FROM audit_events'))).not.toContain(bogus.slice(0, 30));
  });

  it('audits 403 denials of tool calls and 429s', async () => {
    const denied = await invoke('nobody', 'test:echo', { message: 'x' });
    expect(denied.status).toBe(403);
    const [deny] = await eventually('request_id', denied.headers.get('x-request-id')!);
    expect(deny).toMatchObject({
      tenant: 'acme',
      event: 'tools.deny',
      decision: 'deny',
      subject: 'nobody',
      tool_id: 'test:echo',
    });
    expect(deny.details).toMatchObject({ denied_by: 'default-deny' });
    // test:secretive allows 1 call per second: of 40 sent at once, most are refused (sent in a row, a
    // slow machine could let each one open a window of its own).
    const started = Date.now();
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => invoke('reader', 'test:secretive', { note: `n${i}` })),
    );
    const limited = burst.filter((answer) => answer.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(20);
    const ids = limited.map((answer) => answer.headers.get('x-request-id')!);
    // The first refusal of the window is recorded on its own, with its request id, without waiting for
    // the window to close.
    const own = async () =>
      (
        await sql(`SELECT * FROM audit_events WHERE event = 'rate.limited' AND request_id = ANY($1)`, [ids])
      )[0];
    expect(await waitUntil(async () => (await own()) !== undefined, 10_000, 50)).toBe(true);
    expect(await own()).toMatchObject({
      tenant: 'acme',
      event: 'rate.limited',
      status: '429',
      subject: 'reader',
      tool_id: 'test:secretive',
    });
    // The others of each RATE_LIMIT_AUDIT_WINDOW_SEC (1 s) window as one counted event: every refusal is
    // accounted for, in at most two rows per window (without grouping there would be one per refusal).
    const windows = Math.ceil((Date.now() - started) / 1_000) + 1;
    const rows = () =>
      sql(`SELECT * FROM audit_events WHERE event = 'rate.limited' AND subject = 'reader' ORDER BY seq`);
    const total = async () => (await rows()).reduce((sum, row) => sum + Number(row.details.count ?? 1), 0);
    expect(await waitUntil(async () => (await total()) === limited.length, 10_000, 100)).toBe(true);
    expect((await rows()).length).toBeLessThanOrEqual(2 * windows + 2);
    expect((await rows()).find((row) => row.details.aggregated)).toMatchObject({
      tenant: 'acme',
      subject: 'reader',
      request_id: null,
      details: { bucket: 'tool:test:secretive', transport: 'rest', window_sec: 1, count: expect.any(Number) },
    });
    expect((await own()).details).toMatchObject({ bucket: 'tool:test:secretive', transport: 'rest' });
  });

  it('audits policy reloads and catalog changes', async () => {
    const reloaded = await ag.call('admin', '/policy/reload', { method: 'POST' });
    expect(reloaded.status).toBe(200);
    const reloads = await sql(`SELECT * FROM audit_events WHERE event = 'policy.reload'`);
    expect(reloads).toEqual([
      expect.objectContaining({ tenant: '_gateway', subject: 'admin', status: 'ok' }),
    ]);
    const changes = await sql(
      `SELECT * FROM audit_events WHERE event LIKE 'manifests.%' AND tenant = 'acme'`,
    );
    expect(changes).toEqual([
      expect.objectContaining({ event: 'manifests.register', tool_id: 'test:secretive' }),
    ]);
  });

  it('groups a flood of 401s: the first per source, route and reason, then one counted event', async () => {
    const rows = () =>
      sql(
        `SELECT * FROM audit_events WHERE tenant = '_gateway' AND event = 'auth.failure'
           AND details->>'route' = '/actions' ORDER BY seq`,
      );
    const started = Date.now();
    for (let i = 0; i < 300; i += 1) expect((await ag.call('stranger', '/actions')).status).toBe(401);
    // At most two events per 1 s window (the first failure, then one counted event), however long the
    // flood took on this machine; without grouping there would be 300.
    const windows = Math.ceil((Date.now() - started) / 1_000) + 1;
    const total = async () => (await rows()).reduce((sum, row) => sum + Number(row.details.count ?? 1), 0);
    expect(await waitUntil(async () => (await total()) === 300, 10_000, 100)).toBe(true);
    const events = await rows();
    expect(events.length).toBeLessThanOrEqual(2 * windows + 2);
    expect(events.find((row) => row.details.aggregated)?.details).toMatchObject({
      reason: 'no credential',
      count: expect.any(Number),
      first_at: expect.any(String),
    });
  });

  describe('GET /audit', () => {
    beforeAll(async () => {
      for (let i = 0; i < 3; i += 1) await invoke('reader', 'test:echo', { message: `page ${i}` });
      await invoke('globexReader', 'test:echo', { message: 'globex' });
    });

    it('filters by event, tool and subject and pages with a cursor, newest first', async () => {
      const seen: Json[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/audit?event=tools.invoke&tool=test:echo&subject=reader&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await ag.call('auditor', query);
        expect(page.status).toBe(200);
        expect(page.body.events.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.events);
        cursor = page.body.next_cursor;
      } while (cursor);
      const stored = await sql(
        `SELECT seq FROM audit_events WHERE tenant = 'acme' AND event = 'tools.invoke' AND tool_id = 'test:echo' AND subject = 'reader' ORDER BY seq DESC`,
      );
      expect(seen.map((event) => event.seq)).toEqual(stored.map((row) => Number(row.seq)));
      expect(seen.length).toBeGreaterThanOrEqual(10);
      expect(seen.every((event) => event.tenant === 'acme' && event.tool_id === 'test:echo')).toBe(true);
      const family = await ag.call('auditor', '/audit?event=manifests.*');
      expect(family.body.events.map((event: Json) => event.event)).toEqual(['manifests.register']);
    });

    it('filters by time', async () => {
      const future = await ag.call('auditor', '/audit?from=2999-01-01T00:00:00Z');
      expect(future.body).toEqual({ events: [], next_cursor: null });
      const past = await ag.call('auditor', '/audit?to=2000-01-01T00:00:00Z');
      expect(past.body.events).toEqual([]);
      const now = await ag.call(
        'auditor',
        `/audit?from=${new Date(Date.now() - 60_000).toISOString()}&limit=1`,
      );
      expect(now.body.events).toHaveLength(1);
      expect(
        (await ag.call('auditor', '/audit?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z')).status,
      ).toBe(422);
    });

    it("never shows another tenant's events", async () => {
      const globex = await ag.call('globexAuditor', '/audit?limit=200');
      expect(globex.body.events.length).toBeGreaterThan(0);
      expect(globex.body.events.every((event: Json) => event.tenant === 'globex')).toBe(true);
      const acmeCorrelation = (await ag.call('auditor', '/audit?limit=1')).body.events[0].correlation_id;
      const probe = await ag.call('globexAuditor', `/audit?subject=reader`);
      expect(probe.body.events).toEqual([]);
      expect(JSON.stringify(globex.body)).not.toContain(acmeCorrelation);
    });

    it('answers 422 for filters the database cannot compare (NUL, week or ordinal dates)', async () => {
      for (const query of ['subject=%00', 'tool=a%00b', 'from=2026-W01', 'to=2026-W01-1', 'from=2026-123']) {
        const answer = await ag.call('auditor', `/audit?${query}`);
        expect([query, answer.status, answer.body.code]).toEqual([query, 422, 'REQUEST.VALIDATION_FAILED']);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(answer.body.request_id).toBe(answer.headers.get('x-request-id'));
      }
    });

    it('needs audit:read and a valid cursor', async () => {
      expect((await ag.call('reader', '/audit')).status).toBe(403);
      const bad = await ag.call('auditor', '/audit?cursor=bm9wZQ');
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('AUDIT.CURSOR_INVALID');
      expect((await ag.call('auditor', '/audit?limit=5000')).status).toBe(422);
    });
  });

  describe('verification', () => {
    it('GET /audit/verify: the tenant chain is valid up to its head', async () => {
      const report = await ag.call('auditor', '/audit/verify');
      const [head] = await sql(
        `SELECT seq, hash FROM audit_events WHERE tenant = 'acme' ORDER BY seq DESC LIMIT 1`,
      );
      expect(report.status).toBe(200);
      expect(report.body).toEqual({
        valid: true,
        events_checked: Number(head.seq),
        first_invalid_seq: null,
        reason: null,
        head: { seq: Number(head.seq), hash: head.hash },
      });
      expect((await ag.call('gatewayAuditor', '/audit/verify')).body.valid).toBe(true);
    });

    it('GET /audit/verify stays valid after arguments whose member names must be rewritten to be stored', async () => {
      const body = {
        toolId: 'test:freeform',
        name: 'Freeform',
        description: 'Takes any arguments.',
        inputs: { type: 'object' },
        outputs: { type: 'object' },
        required_scopes: ['test.read'],
        provider_id: 'test',
      };
      expect((await ag.call('admin', '/manifests/register', { method: 'POST', body })).status).toBe(201);
      const long = 'k'.repeat(200);
      const args = { 'a\u0000': 1, 'a\u0001': 2, 'a\ufffd': 3, [`${long}b`]: 4, [`${long}aa`]: 5 };
      const answer = await invoke('reader', 'test:freeform', args);
      const [intent] = await eventsOf('request_id', answer.headers.get('x-request-id')!);
      expect(Object.values(intent.details.arguments).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await ag.call('auditor', '/audit/verify')).body).toMatchObject({ valid: true });
    });

    it('GET /audit/verify detects an edited event and a removed tail', async () => {
      const tamper = (text: string) =>
        sql(
          `BEGIN; ALTER TABLE audit_events DISABLE TRIGGER USER; ${text}; ALTER TABLE audit_events ENABLE TRIGGER USER; COMMIT`,
        );
      await tamper(`UPDATE audit_events SET subject = 'someone' WHERE tenant = 'globex' AND seq = 2`);
      expect((await ag.call('globexAuditor', '/audit/verify')).body).toMatchObject({
        valid: false,
        first_invalid_seq: 2,
      });
      const [head] = await sql(`SELECT max(seq)::int AS seq FROM audit_events WHERE tenant = '_gateway'`);
      await tamper(`DELETE FROM audit_events WHERE tenant = '_gateway' AND seq = ${head.seq}`);
      const cut = await ag.call('gatewayAuditor', '/audit/verify');
      expect(cut.body).toMatchObject({ valid: false, first_invalid_seq: head.seq });
      expect(cut.body.reason).toMatch(/tail was removed/);
    });

    it('mirrors every event to the JSONL file, anchored at shutdown; a cut tail is detected', async () => {
      await ag.close();
      const [file] = readdirSync(ag.wormDir).filter((name) => /^audit-\d{8}\.jsonl$/.test(name));
      const path = join(ag.wormDir, file);
      const publicKey = readAnchorPublicKey(join(ag.runtimeDir, ANCHOR_PUBLIC_KEY_FILE));
      const [{ n }] = await sql(`SELECT count(*)::int AS n FROM audit_events`);
      const report = await verifyJsonlFile(path, { publicKey });
      // The file still holds the _gateway event removed from the table above.
      expect(report).toMatchObject({ valid: true, events_checked: n + 1, anchors_checked: 1 });
      // Cutting a tenant's first events and padding the file back to its anchored size is detected.
      const original = readFileSync(path, 'utf8');
      const lines = original.trimEnd().split('\n');
      const kept = lines.filter((line) => !(JSON.parse(line).tenant === 'acme' && JSON.parse(line).seq <= 2));
      kept[kept.length - 1] += ' '.repeat(
        Buffer.byteLength(original) - Buffer.byteLength(`${kept.join('\n')}\n`),
      );
      writeFileSync(path, `${kept.join('\n')}\n`);
      expect(await verifyJsonlFile(path, { publicKey })).toMatchObject({
        valid: false,
        tenant: 'acme',
        reason: expect.stringMatching(/the first event of acme is seq 3, .*head was cut/),
      });
      writeFileSync(path, original);
      truncateSync(path, statSync(path).size - 10);
      expect((await verifyJsonlFile(path, { publicKey })).valid).toBe(false);
    });
  });
});
