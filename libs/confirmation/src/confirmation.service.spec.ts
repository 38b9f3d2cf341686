import { AuditUnavailableException } from '@toolgate/audit';
import { type AuditEventInput, type Principal } from '@toolgate/core';

import { ActionAuditService } from './audit/action-audit.service';
import { type ConfirmationConfig } from './confirmation.config';
import { ConfirmationService } from './confirmation.service';
import { type PendingAction } from './confirmation.types';
import { type NewAction, type PendingActionStore } from './store/pending-action-store.service';
import { hashActionToken, payloadDigestOf } from './tokens/action-token.util';

const alice: Principal = { subject: 'alice', tenant: 'acme', roles: ['writer'], scopes: [], kind: 'jwt' };
const config: ConfirmationConfig = {
  ttlSec: 300,
  tokenBytes: 24,
  maxOpenPerSubject: 100,
  sweepIntervalSec: 60,
  retentionDays: 30,
};

/** An in-memory store with the same compare-and-set semantics as the SQL one. */
class FakeStore {
  readonly rows = new Map<string, PendingAction & { tokenHash: string }>();

  async insert(action: NewAction, ttlSec: number): Promise<PendingAction> {
    const row = {
      ...action,
      id: `id-${this.rows.size + 1}`,
      status: 'pending' as const,
      decidedBy: null,
      decidedByRoles: null,
      decisionReason: null,
      decidedAt: null,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + ttlSec * 1000),
      consumedAt: null,
    };
    this.rows.set(row.id, row);
    return { ...row };
  }

  async findByTokenHash(hash: string): Promise<PendingAction | undefined> {
    const row = [...this.rows.values()].find((candidate) => candidate.tokenHash === hash);
    return row && { ...row };
  }

  async consume(id: string, digest: string): Promise<PendingAction | undefined> {
    const row = this.rows.get(id);
    const from = row?.requiresApproval ? 'approved' : 'pending';
    if (!row || row.status !== from || row.payloadDigest !== digest || row.expiresAt <= new Date())
      return undefined;
    row.status = 'consumed';
    return { ...row };
  }

  async expire(): Promise<PendingAction[]> {
    return [];
  }

  async reopen(id: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (row?.status !== 'consumed') return false;
    row.status = row.requiresApproval ? 'approved' : 'pending';
    return true;
  }

  async remove(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }
}

/** An audit sink that refuses `failing` events (as the real one does when the trail cannot be written). */
const sinkRefusing = (failing: string, events: AuditEventInput[]) =>
  new ActionAuditService({
    record: async (event) => {
      if (event.event === failing) throw new AuditUnavailableException(new Error('disk full'));
      events.push(event);
    },
  });

describe('ConfirmationService', () => {
  let store: FakeStore;
  let events: AuditEventInput[];
  let service: ConfirmationService;

  beforeEach(() => {
    store = new FakeStore();
    events = [];
    const audit = new ActionAuditService({ record: async (event) => void events.push(event) });
    service = new ConfirmationService(store as unknown as PendingActionStore, audit, config);
  });

  const hold = (input: Record<string, unknown> = { target: 'x', reason: 'secret why' }) =>
    service.hold({
      principal: alice,
      toolId: 'test:destroy',
      manifestVersion: 2,
      input,
      sensitiveFields: ['reason'],
      decision: { policy_version: 'p1', require_approval: null },
      correlationId: 'corr-1',
      requestId: 'req-1',
    });

  const consume = (
    actionToken: string,
    input: Record<string, unknown> = { target: 'x', reason: 'secret why' },
  ) =>
    service.consume({
      principal: alice,
      toolId: 'test:destroy',
      actionToken,
      input,
      manifestVersion: 2,
      decision: { policy_version: 'p1', require_approval: null },
      requestId: 'req-2',
    });

  it('holds: stores the token hash, the digest and redacted arguments; the token only goes to the caller', async () => {
    const held = await hold();
    expect(held).toMatchObject({ requires_confirmation: true, requires_approval: false });
    const row = [...store.rows.values()][0];
    expect(row.tokenHash).toBe(hashActionToken(held.action_token));
    expect(row.payloadDigest).toBe(payloadDigestOf({ reason: 'secret why', target: 'x' }));
    expect(row.arguments).toEqual({ target: 'x', reason: '[REDACTED]' });
    expect(JSON.stringify(row)).not.toContain(held.action_token);
    expect(events.map((event) => event.event)).toEqual(['actions.create']);
    expect(JSON.stringify(events)).not.toContain(held.action_token);
    expect(JSON.stringify(events)).not.toContain('secret why');
  });

  it('records who stands behind the requester: its credential kind, and for an API key the key and its minter', async () => {
    const key: Principal = {
      ...alice,
      subject: 'bot-7',
      kind: 'api_key',
      credentialId: 'key-1',
      createdBy: 'alice',
    };
    const byKey = await service.hold({
      principal: key,
      toolId: 'test:destroy',
      manifestVersion: 2,
      input: { target: 'x' },
      sensitiveFields: [],
      decision: { policy_version: 'p1', require_approval: { roles: ['approver'], rule: 'r1' } },
      correlationId: 'corr-1',
      requestId: 'req-1',
    });
    expect(store.rows.get(byKey.action_id)).toMatchObject({
      subject: 'bot-7',
      requesterKind: 'api_key',
      requesterKeyId: 'key-1',
      requesterKeyCreatedBy: 'alice',
    });
    const byPerson = await hold();
    expect(store.rows.get(byPerson.action_id)).toMatchObject({
      subject: 'alice',
      requesterKind: 'jwt',
      requesterKeyId: null,
      requesterKeyCreatedBy: null,
    });
  });

  it('stores arguments jsonb can hold, redacted by path, and stays bound to the exact original arguments', async () => {
    const input = {
      'k\u0000': 'a\u0000b',
      lone: 'x\ud800',
      card: { number: '4111', holder: 'Ann' },
      db_password: 'p',
    };
    const held = await service.hold({
      principal: alice,
      toolId: 'test:pay',
      manifestVersion: 2,
      input,
      sensitiveFields: ['card.number'],
      decision: { policy_version: 'p1', require_approval: null },
      correlationId: 'corr-1',
      requestId: 'req-1',
    });
    const row = store.rows.get(held.action_id)!;
    expect(row.arguments).toEqual({
      card: { holder: 'Ann', number: '[REDACTED]' },
      db_password: '[REDACTED]',
      'k\ufffd': 'a\ufffdb',
      lone: 'x\ufffd',
    });
    expect(row.payloadDigest).toBe(payloadDigestOf(input));
    const consumed = await service.consume({
      principal: alice,
      toolId: 'test:pay',
      actionToken: held.action_token,
      input: { ...input },
      manifestVersion: 2,
      decision: { policy_version: 'p1', require_approval: null },
      requestId: 'req-2',
    });
    expect(consumed.status).toBe('consumed');
  });

  it('consumes once: the second confirm is 409 and audited as a refusal', async () => {
    const held = await hold();
    const consumed = await consume(held.action_token, { reason: 'secret why', target: 'x' });
    expect(consumed).toMatchObject({ status: 'consumed', correlationId: 'corr-1' });
    await expect(consume(held.action_token)).rejects.toMatchObject({
      status: 409,
      code: 'CONFIRMATION.ALREADY_CONSUMED',
    });
    expect(events.map((event) => [event.event, event.status])).toEqual([
      ['actions.create', '202'],
      ['tools.confirm', 'ok'],
      ['tools.confirm', '409'],
    ]);
    expect(events[1].correlation_id).toBe('corr-1');
  });

  it('reports the winner only once when the guarded UPDATE loses a race after the checks passed', async () => {
    const held = await hold();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => consume(held.action_token)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(result.reason).toMatchObject({ status: 409 });
    }
  });

  it('refuses a malformed token without looking it up, and keeps the action pending on other arguments', async () => {
    const lookups = jest.spyOn(store, 'findByTokenHash');
    await expect(consume('not a token')).rejects.toMatchObject({ status: 401 });
    expect(lookups).not.toHaveBeenCalled();
    const held = await hold();
    await expect(consume(held.action_token, { target: 'y', reason: 'secret why' })).rejects.toMatchObject({
      status: 422,
    });
    expect(store.rows.get(held.action_id)?.status).toBe('pending');
    await expect(consume(held.action_token)).resolves.toMatchObject({ status: 'consumed' });
  });

  it('does not run without its audit event: a failing sink stops the confirm and reopens the action for a retry', async () => {
    const held = await hold();
    const failing = new ActionAuditService({ record: async () => Promise.reject(new Error('disk full')) });
    service = new ConfirmationService(store as unknown as PendingActionStore, failing, config);
    const refused = consume(held.action_token);
    await expect(refused).rejects.toMatchObject({ status: 503, code: 'AUDIT.UNAVAILABLE' });
    expect(store.rows.get(held.action_id)).toMatchObject({ status: 'pending', consumedAt: null });
    await expect(refused).rejects.toMatchObject({ detail: expect.stringMatching(/Retry the confirm/) });

    service = new ConfirmationService(
      store as unknown as PendingActionStore,
      sinkRefusing('none', events),
      config,
    );
    await expect(consume(held.action_token)).resolves.toMatchObject({ status: 'consumed' });
  });

  it('says so when a consumed action whose confirm was not audited cannot be reopened', async () => {
    const held = await hold();
    service = new ConfirmationService(
      store as unknown as PendingActionStore,
      sinkRefusing('tools.confirm', events),
      config,
    );
    jest.spyOn(store, 'reopen').mockRejectedValue(new Error('database gone'));
    await expect(consume(held.action_token)).rejects.toMatchObject({
      status: 503,
      detail: expect.stringMatching(/cannot be confirmed again/),
    });
  });

  it('holds nothing when actions.create cannot be audited: the row goes, so nobody sees, approves or counts it', async () => {
    service = new ConfirmationService(
      store as unknown as PendingActionStore,
      sinkRefusing('actions.create', events),
      config,
    );
    const refused = hold();
    await expect(refused).rejects.toMatchObject({ status: 503, code: 'AUDIT.UNAVAILABLE' });
    expect(store.rows.size).toBe(0);
    expect(events).toEqual([]);
    await expect(refused).rejects.toMatchObject({ detail: expect.stringMatching(/nothing was held/) });
  });
});
