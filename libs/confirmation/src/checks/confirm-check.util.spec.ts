import { type Principal } from '@toolgate/core';

import { type ActionStatus, type ConsumeRequest, type PendingAction } from '../confirmation.types';
import { makePendingAction } from '../testing/pending-action.fixture';
import { payloadDigestOf } from '../tokens/action-token.util';
import { confirmRefusal, splitConfirmBody } from './confirm-check.util';

const principal: Principal = { subject: 'alice', tenant: 'acme', roles: [], scopes: [], kind: 'jwt' };
const input = { target: 'x', count: 2 };
const digest = payloadDigestOf(input);
const now = new Date('2026-11-21T10:00:00Z');

const makeAction = (overrides: Partial<PendingAction> = {}): PendingAction =>
  makePendingAction({
    subject: 'alice',
    requesterRoles: [],
    manifestVersion: 3,
    payloadDigest: digest,
    requiresApproval: false,
    approverRoles: [],
    policyRule: null,
    arguments: input,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 60_000),
    ...overrides,
  });

const request: Pick<ConsumeRequest, 'principal' | 'toolId' | 'manifestVersion' | 'decision'> = {
  principal,
  toolId: 'test:destroy',
  manifestVersion: 3,
  decision: { policy_version: 'p1', require_approval: null },
};
const refusal = (action: PendingAction | undefined, over: Partial<typeof request> = {}, payload = digest) => {
  const error = confirmRefusal(action, { ...request, ...over }, payload, now);
  return error && [error.status, error.code];
};

describe('confirm checks', () => {
  it('lets the requester consume a pending confirmation-only action or an approved one', () => {
    expect(refusal(makeAction())).toBeUndefined();
    expect(refusal(makeAction({ status: 'approved', requiresApproval: true }))).toBeUndefined();
  });

  it('answers 401 for an unknown token, a token of another tool, an expired action', () => {
    expect(refusal(undefined)).toEqual([401, 'CONFIRMATION.INVALID_TOKEN']);
    expect(refusal(makeAction({ toolId: 'test:echo' }))).toEqual([401, 'CONFIRMATION.INVALID_TOKEN']);
    expect(refusal(makeAction({ expiresAt: now }))).toEqual([401, 'CONFIRMATION.EXPIRED']);
    expect(refusal(makeAction({ status: 'expired' }))).toEqual([401, 'CONFIRMATION.EXPIRED']);
  });

  it("answers 404 for another subject's or tenant's token, before anything else about it", () => {
    expect(refusal(makeAction({ subject: 'bob', toolId: 'other' }))).toEqual([404, 'CONFIRMATION.NOT_FOUND']);
    expect(refusal(makeAction({ tenant: 'globex', status: 'consumed' }))).toEqual([
      404,
      'CONFIRMATION.NOT_FOUND',
    ]);
  });

  it('answers 409 for consumed, rejected, cancelled, and awaiting approval', () => {
    const cases: [ActionStatus, boolean, string][] = [
      ['consumed', false, 'CONFIRMATION.ALREADY_CONSUMED'],
      ['rejected', true, 'CONFIRMATION.REJECTED'],
      ['cancelled', false, 'CONFIRMATION.CANCELLED'],
      ['pending', true, 'CONFIRMATION.AWAITING_APPROVAL'],
    ];
    for (const [status, requiresApproval, code] of cases) {
      expect(refusal(makeAction({ status, requiresApproval }))).toEqual([409, code]);
    }
  });

  it('answers 422 when the arguments differ', () => {
    expect(refusal(makeAction(), {}, payloadDigestOf({ ...input, count: 3 }))).toEqual([
      422,
      'CONFIRMATION.PAYLOAD_MISMATCH',
    ]);
  });

  it('answers 409 when the manifest changed, or the policy now asks for an approval', () => {
    expect(refusal(makeAction(), { manifestVersion: 4 })).toEqual([409, 'CONFIRMATION.MANIFEST_CHANGED']);
    expect(
      refusal(makeAction(), {
        decision: { policy_version: 'p2', require_approval: { roles: ['x'], rule: 'r' } },
      }),
    ).toEqual([409, 'CONFIRMATION.POLICY_CHANGED']);
    expect(
      refusal(makeAction(), { decision: { policy_version: 'p2', require_approval: null } }),
    ).toBeUndefined();
  });

  it('answers 409 when the policy now takes approvals only from roles the approver did not hold', () => {
    const requires = (...roles: string[]) => ({
      decision: { policy_version: 'p2', require_approval: { roles, rule: 'r' } },
    });
    const approved = (decidedByRoles: string[] | null, approverRoles = ['approver']) =>
      makeAction({ status: 'approved', requiresApproval: true, approverRoles, decidedByRoles });
    expect(refusal(approved(['approver', 'auditor']), requires('approver'))).toBeUndefined();
    expect(refusal(approved(['approver', 'senior']), requires('senior'))).toBeUndefined();
    const stale = confirmRefusal(approved(['approver']), { ...request, ...requires('senior') }, digest, now);
    expect(stale).toMatchObject({
      status: 409,
      code: 'CONFIRMATION.POLICY_CHANGED',
      extensions: { approver_roles: ['senior'] },
    });
    // Approved before the approver's roles were recorded: only while every role it was held with counts.
    expect(refusal(approved(null, ['approver']), requires('approver', 'senior'))).toBeUndefined();
    expect(refusal(approved(null, ['approver', 'lead']), requires('lead'))).toEqual([
      409,
      'CONFIRMATION.POLICY_CHANGED',
    ]);
    // A policy that dropped the approval never drops it from a held action, nor checks roles it no longer names.
    expect(
      refusal(approved(['approver']), { decision: { policy_version: 'p2', require_approval: null } }),
    ).toBeUndefined();
  });
});

describe('confirm body', () => {
  it('splits the action token from the arguments', () => {
    expect(splitConfirmBody({ action_token: 't', b: 1, a: 2 })).toEqual({
      actionToken: 't',
      input: { b: 1, a: 2 },
    });
  });

  it('takes the token from the Action-Token header when given: the whole body is the arguments', () => {
    expect(splitConfirmBody({ action_token: 'an argument', a: 1 }, 'header-token')).toEqual({
      actionToken: 'header-token',
      input: { action_token: 'an argument', a: 1 },
    });
    expect(splitConfirmBody(undefined, 't')).toEqual({ actionToken: 't', input: {} });
    for (const [body, header] of [
      [{}, ['a', 'b']],
      [{}, ''],
      [[], 't'],
      ['x', 't'],
    ] as const) {
      expect(() => splitConfirmBody(body, header as string | string[])).toThrow(
        expect.objectContaining({ status: 422 }),
      );
    }
  });

  it('refuses a body without a string action_token with 422', () => {
    for (const body of [undefined, null, [], 'x', {}, { action_token: 1 }]) {
      expect(() => splitConfirmBody(body)).toThrow(expect.objectContaining({ status: 422 }));
    }
  });
});
