import { type AuditEventInput, storableText } from '@toolgate/core';

import { GATEWAY_TENANT, type PendingAuditEvent } from './audit.types';
import { redactDetails } from './redaction/audit-redaction.util';

const optional = (value: string | undefined, max: number): string | null =>
  value === undefined || value === null ? null : storableText(String(value), max);

/**
 * Normalizes what a module reports into a storable event: bounded strings, absent members as `null`,
 * `details` redacted (secrets, credentials and the tool's `sensitive_fields`), the time stamped now.
 */
export function toPendingEvent(input: AuditEventInput, now: Date = new Date()): PendingAuditEvent {
  return {
    tenant: storableText(input.tenant || GATEWAY_TENANT, 128),
    ts: now.toISOString(),
    event: storableText(input.event, 64),
    subject: optional(input.subject, 256),
    tool_id: optional(input.tool_id, 256),
    decision: optional(input.decision, 32),
    status: optional(input.status, 64),
    request_id: optional(input.request_id, 128),
    correlation_id: optional(input.correlation_id, 128),
    payload_digest: optional(input.payload_digest, 128),
    policy_version: optional(input.policy_version, 128),
    details: redactDetails(input.details, input.sensitive_fields),
  };
}
