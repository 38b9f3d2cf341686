import { type PendingAuditEvent } from '../audit.types';

/** A pending `tools.invoke` event for tests; override any member. */
export const pending = (overrides: Partial<PendingAuditEvent> = {}): PendingAuditEvent => ({
  tenant: 'acme',
  ts: '2026-11-21T10:00:00.000Z',
  event: 'tools.invoke',
  subject: 'agent-7',
  tool_id: 'test:echo',
  decision: 'allow',
  status: 'intent',
  request_id: 'req-1',
  correlation_id: 'req-1',
  payload_digest: 'ab'.repeat(32),
  policy_version: 'v1',
  // Key-sorted, as toPendingEvent builds it.
  details: { a: { c: 'x', z: [3, { x: null, y: 'é' }] }, b: 1 },
  ...overrides,
});
