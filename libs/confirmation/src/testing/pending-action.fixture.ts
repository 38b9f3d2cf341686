import { type PendingAction } from '../confirmation.types';

export const ACTION_ID = '0b5f6a2e-8a55-4a8a-9d9b-4d8f3c1e2a77';

/**
 * A held action for unit tests: writer's `test:destroy`, waiting for an `approver`, a minute left.
 * Tests override what they are about.
 */
export const makePendingAction = (overrides: Partial<PendingAction> = {}): PendingAction => ({
  id: ACTION_ID,
  tenant: 'acme',
  subject: 'writer',
  requesterRoles: ['test-admin'],
  requesterKind: 'jwt',
  requesterKeyId: null,
  requesterKeyCreatedBy: null,
  toolId: 'test:destroy',
  manifestVersion: 1,
  policyVersion: 'p1',
  payloadDigest: 'a'.repeat(64),
  status: 'pending',
  requiresApproval: true,
  approverRoles: ['approver'],
  policyRule: 'destructive-needs-approval',
  arguments: {},
  correlationId: 'c1',
  decidedBy: null,
  decidedByRoles: null,
  decisionReason: null,
  decidedAt: null,
  createdAt: new Date(),
  expiresAt: new Date(Date.now() + 60_000),
  consumedAt: null,
  ...overrides,
});
