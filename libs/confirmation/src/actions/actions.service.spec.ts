import { AuditUnavailableException } from '@toolgate/audit';
import { type AuditEventInput, type Principal } from '@toolgate/core';
import { type PolicyDecision, type PolicyResourceResolver, type PolicyService } from '@toolgate/policy';

import { ActionAuditService } from '../audit/action-audit.service';
import { TRANSITION_FROM, TRANSITION_TO } from '../checks/action-status.util';
import { type ConfirmationService } from '../confirmation.service';
import { type PendingAction } from '../confirmation.types';
import { type AppliedDecision, type PendingActionStore } from '../store/pending-action-store.service';
import { ACTION_ID as ID, makePendingAction } from '../testing/pending-action.fixture';
import { ActionsService } from './actions.service';

const person = (subject: string, roles: string[]): Principal => ({
  subject,
  tenant: 'acme',
  roles,
  scopes: [],
  kind: 'jwt',
});
const carol = person('carol', ['approver']);
const writer = person('writer', ['test-admin']);
const makeAction = makePendingAction;

/** One action in memory, with the store's compare-and-set transition (rolled back when its event fails). */
class FakeStore {
  constructor(public row: PendingAction) {}
  listed = 0;

  async findInTenant(id: string, tenant: string): Promise<PendingAction | undefined> {
    return id === this.row.id && tenant === this.row.tenant ? { ...this.row } : undefined;
  }

  async listForApprover(): Promise<PendingAction[]> {
    this.listed += 1;
    return [{ ...this.row }];
  }

  async transition(
    _id: string,
    _tenant: string,
    transition: 'approve' | 'reject' | 'cancel',
    decision: { by: string; roles: string[]; reason: string | null },
    recorded: (applied: AppliedDecision) => Promise<void>,
  ): Promise<AppliedDecision | undefined> {
    const before = this.row;
    const { status, decidedBy, decidedByRoles, decisionReason, decidedAt } = this.row;
    if (!TRANSITION_FROM[transition].includes(status)) return undefined;
    this.row = {
      ...this.row,
      status: TRANSITION_TO[transition],
      decidedBy: decision.by,
      decidedByRoles: decision.roles,
      decisionReason: decision.reason,
      decidedAt: new Date(),
    };
    const applied = {
      action: { ...this.row },
      prior: { status, decidedBy, decidedByRoles, decisionReason, decidedAt },
    };
    try {
      await recorded(applied); // before the commit: a failure rolls the change back
    } catch (error) {
      this.row = before;
      throw error;
    }
    return applied;
  }
}

/** Allows every action; `tools.invoke` asks for an approval by `approvalRoles`. */
const policyAsking = (approvalRoles: string[] | null) =>
  ({
    decide: (_principal: Principal, action: string): PolicyDecision => ({
      allowed: true,
      matched_rules: [],
      missing_scopes: [],
      require_confirmation: action === 'tools.invoke' && approvalRoles !== null,
      require_approval:
        action === 'tools.invoke' && approvalRoles ? { roles: approvalRoles, rule: 'now' } : null,
      policy_version: 'p2',
    }),
  }) as unknown as PolicyService;

describe('ActionsService', () => {
  let store: FakeStore;
  let events: AuditEventInput[];
  let failing: string | undefined;
  const tools: PolicyResourceResolver = {
    resolve: async (toolId) => ({ toolId, provider_id: 'test', safety_tags: ['destructive'] }),
  };
  const confirmation = { expireIfDue: async () => undefined } as unknown as ConfirmationService;
  const audit = new ActionAuditService({
    record: async (event) => {
      if (event.event === failing) throw new AuditUnavailableException(new Error('disk full'));
      events.push(event);
    },
  });
  const service = (approvalRoles: string[] | null = ['approver']) =>
    new ActionsService(
      store as unknown as PendingActionStore,
      policyAsking(approvalRoles),
      audit,
      confirmation,
      tools,
    );

  beforeEach(() => {
    store = new FakeStore(makeAction());
    events = [];
    failing = undefined;
  });

  it('records the approver and its roles with the approval', async () => {
    const view = await service().approve(carol, ID, 'ok', 'req-1');
    expect(view).toMatchObject({ status: 'approved', decided_by: 'carol' });
    expect(store.row.decidedByRoles).toEqual(['approver']);
    expect(events.map((event) => event.event)).toEqual(['actions.approve']);
  });

  it('undoes an approval or a rejection whose audit event cannot be written (503): the action stays pending', async () => {
    for (const verb of ['approve', 'reject'] as const) {
      failing = `actions.${verb}`;
      const decided =
        verb === 'approve'
          ? service().approve(carol, ID, null, 'req-1')
          : service().reject(carol, ID, 'no', 'req-1');
      await expect(decided).rejects.toMatchObject({
        status: 503,
        code: 'AUDIT.UNAVAILABLE',
        detail: expect.stringMatching(/not (approved|rejected) \(it stays pending\)/),
      });
      expect(store.row).toMatchObject({
        status: 'pending',
        decidedBy: null,
        decidedByRoles: null,
        decisionReason: null,
        decidedAt: null,
      });
    }
    expect(events).toEqual([]);
  });

  it('undoes a cancel whose audit event cannot be written: an approved action keeps its approval', async () => {
    const approvedAt = new Date();
    store = new FakeStore(
      makeAction({
        status: 'approved',
        decidedBy: 'carol',
        decidedByRoles: ['approver'],
        decisionReason: 'ok',
        decidedAt: approvedAt,
      }),
    );
    failing = 'actions.cancel';
    await expect(service().cancel(writer, ID, 'req-1')).rejects.toMatchObject({ status: 503 });
    expect(store.row).toMatchObject({
      status: 'approved',
      decidedBy: 'carol',
      decidedByRoles: ['approver'],
      decisionReason: 'ok',
      decidedAt: approvedAt,
    });
  });

  it('takes approvals only from roles the current policy names for the call, not only those it was held with', async () => {
    const refused = service(['senior-approver']).approve(carol, ID, null, 'req-1');
    await expect(refused).rejects.toMatchObject({
      status: 403,
      code: 'ACTIONS.FORBIDDEN',
      detail: expect.stringContaining('senior-approver'),
    });
    await expect(service(['senior-approver']).reject(carol, ID, 'no', 'req-1')).rejects.toMatchObject({
      status: 403,
    });
    expect(store.row.status).toBe('pending');
    const senior = person('dave', ['approver', 'senior-approver']);
    await expect(service(['senior-approver']).approve(senior, ID, null, 'req-1')).resolves.toMatchObject({
      status: 'approved',
    });
  });

  it('keeps the held approver roles when the policy no longer asks for an approval', async () => {
    await expect(service(null).approve(carol, ID, null, 'req-1')).resolves.toMatchObject({
      status: 'approved',
    });
  });

  it('never shows held actions to an API key, whatever its roles', async () => {
    const key: Principal = { ...carol, kind: 'api_key', credentialId: 'k1', createdBy: 'erin' };
    await expect(service().list(key, { status: 'pending', limit: 10 })).rejects.toMatchObject({
      status: 403,
      detail: expect.stringMatching(/API key/),
    });
    await expect(service().get(key, ID)).rejects.toMatchObject({ status: 403 });
    expect(store.listed).toBe(0);
    await expect(service().list(carol, { status: 'pending', limit: 10 })).resolves.toHaveLength(1);
    await expect(service().get(carol, ID)).resolves.toMatchObject({ action_id: ID });
  });
});
