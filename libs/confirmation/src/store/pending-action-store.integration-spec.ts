import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { type ConfirmationConfig } from '../confirmation.config';
import { type ActionStatus } from '../confirmation.types';
import { PendingActionEntity } from '../entities/pending-action.entity';
import { ActionRetentionService } from '../jobs/action-retention.service';
import { type NewAction, PendingActionStore } from './pending-action-store.service';

const DIGEST = 'd'.repeat(64);
let tokens = 0;
const newAction = (overrides: Partial<NewAction> = {}): NewAction => ({
  tenant: 'acme',
  subject: 'writer',
  requesterRoles: ['test-admin'],
  requesterKind: 'jwt',
  requesterKeyId: null,
  requesterKeyCreatedBy: null,
  toolId: 'test:destroy',
  manifestVersion: 1,
  policyVersion: 'p1',
  payloadDigest: DIGEST,
  tokenHash: String(++tokens).padStart(64, '0'),
  requiresApproval: true,
  approverRoles: ['approver'],
  policyRule: 'destructive-needs-approval',
  arguments: {},
  correlationId: 'c1',
  ...overrides,
});

describe('PendingActionStore and retention (real Postgres)', () => {
  let dataSource: DataSource;
  let store: PendingActionStore;
  const row = async (id: string) =>
    (
      await dataSource.query(
        `SELECT status, decided_by, decided_by_roles, decision_reason, decided_at, consumed_at
           FROM pending_actions WHERE id = $1`,
        [id],
      )
    )[0];

  beforeAll(async () => {
    dataSource = new DataSource(
      buildDataSourceOptions({
        url: await createTestDatabase('action_store'),
        migrations: MIGRATIONS,
        entities: [PendingActionEntity],
      }),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    store = new PendingActionStore(dataSource);
  });
  afterAll(() => dataSource.destroy());

  const recorded = () => Promise.resolve();

  it('returns the decision an approval replaced, and rolls it back when its event cannot be written', async () => {
    const held = await store.insert(newAction(), 300, 100);
    const before = await row(held.id);
    const failed = store.transition(
      held.id,
      'acme',
      'approve',
      { by: 'carol', roles: ['approver'], reason: 'ok' },
      (applied) => {
        expect(applied.action).toMatchObject({ status: 'approved', decidedByRoles: ['approver'] });
        expect(applied.prior).toEqual({
          status: 'pending',
          decidedBy: null,
          decidedByRoles: null,
          decisionReason: null,
          decidedAt: null,
        });
        return Promise.reject(new Error('audit down'));
      },
    );
    await expect(failed).rejects.toThrow('audit down');
    expect(await row(held.id)).toEqual(before);

    const applied = await store.transition(
      held.id,
      'acme',
      'approve',
      { by: 'carol', roles: ['approver', 'auditor'], reason: 'ok' },
      recorded,
    );
    expect(applied?.action).toMatchObject({ status: 'approved', decidedByRoles: ['approver', 'auditor'] });
    expect((await row(held.id)).status).toBe('approved');
  });

  it('lets no confirm run on an approval before its event is written, nor after the write failed', async () => {
    const held = await store.insert(newAction(), 300, 100);
    let fail: (error: Error) => void = () => undefined;
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const approval = store.transition(
      held.id,
      'acme',
      'approve',
      { by: 'carol', roles: ['approver'], reason: null },
      () =>
        new Promise<void>((_resolve, reject) => {
          fail = reject;
          entered();
        }),
    );
    await inside; // the approval is applied, uncommitted, its event being written
    try {
      // A confirm meanwhile does not see the approval: nothing runs on it.
      expect(await store.consume(held.id, DIGEST)).toBeUndefined();
    } finally {
      fail(new Error('audit down'));
    }
    await expect(approval).rejects.toThrow('audit down');
    expect(await store.consume(held.id, DIGEST)).toBeUndefined(); // the approval never counted
    expect((await row(held.id)).status).toBe('pending');
  });

  it('never removes an action an approver decided meanwhile', async () => {
    const held = await store.insert(newAction(), 300, 100);
    await store.transition(
      held.id,
      'acme',
      'approve',
      { by: 'carol', roles: ['approver'], reason: null },
      recorded,
    );
    expect(await store.remove(held.id)).toBe(false);
    expect((await row(held.id)).status).toBe('approved');
    const other = await store.insert(newAction(), 300, 100);
    expect(await store.remove(other.id)).toBe(true);
    expect(await row(other.id)).toBeUndefined();
  });

  it('reopens a consumed action to the status a confirm takes, so it can be consumed again', async () => {
    for (const requiresApproval of [false, true]) {
      const held = await store.insert(newAction({ requiresApproval }), 300, 100);
      if (requiresApproval) {
        await store.transition(
          held.id,
          'acme',
          'approve',
          { by: 'carol', roles: ['approver'], reason: null },
          recorded,
        );
      }
      expect(await store.consume(held.id, DIGEST)).toMatchObject({ status: 'consumed' });
      expect(await store.reopen(held.id)).toBe(true);
      expect(await row(held.id)).toMatchObject({
        status: requiresApproval ? 'approved' : 'pending',
        consumed_at: null,
      });
      expect(await store.reopen(held.id)).toBe(false);
      expect(await store.consume(held.id, DIGEST)).toMatchObject({ status: 'consumed' });
    }
  });

  it('removes an action outright', async () => {
    const held = await store.insert(newAction(), 300, 100);
    expect(await store.remove(held.id)).toBe(true);
    expect(await row(held.id)).toBeUndefined();
    expect(await store.remove(held.id)).toBe(false);
  });

  it('deletes finished actions CONFIRM_RETENTION_DAYS after their expiry, in bounded batches; open ones stay', async () => {
    await dataSource.query(`DELETE FROM pending_actions`);
    const aged = async (status: ActionStatus, daysAgo: number): Promise<string> => {
      const held = await store.insert(newAction({ subject: `s-${status}-${daysAgo}` }), 300, 100);
      await dataSource.query(
        `UPDATE pending_actions SET status = $2, expires_at = now() - make_interval(days => $3) WHERE id = $1`,
        [held.id, status, daysAgo],
      );
      return held.id;
    };
    const old: string[] = [];
    for (const status of ['consumed', 'rejected', 'cancelled', 'expired'] as const) {
      old.push(await aged(status, 31), await aged(status, 40));
    }
    const kept = [
      await aged('consumed', 29),
      await aged('expired', 1),
      await aged('pending', 60),
      await aged('approved', 60),
    ];
    const config = { retentionDays: 30 } as ConfirmationConfig;
    const retention = new ActionRetentionService(dataSource, config);
    expect(await retention.purge(3, 2)).toBe(6);
    expect(await retention.purge(3, 10)).toBe(2);
    expect(await retention.purge(3, 10)).toBe(0);
    const left: { id: string }[] = await dataSource.query(`SELECT id FROM pending_actions`);
    expect(left.map(({ id }) => id).sort()).toEqual([...kept].sort());
    expect(old.filter((id) => left.some((r) => r.id === id))).toEqual([]);
  });
});
