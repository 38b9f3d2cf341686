import { redactJson } from '@toolgate/core';

export const AUDIT_LIMITS = { depth: 8, keys: 100, items: 100, string: 1024, key: 200 } as const;

/**
 * A copy of `details` safe for the audit trail, by the gateway's one redactor (`redactJson`): secret-named
 * members, credential values and the tool's `sensitive_fields` become `[REDACTED]`, dotted paths counted
 * from `details.arguments` (the tool arguments), as in `pending_actions`. The copy is canonical by
 * construction (names made storable, then sorted; colliding names suffixed `#2`…), bounded, and jsonb-safe.
 */
export function redactDetails(
  details: Record<string, unknown> | undefined,
  sensitiveFields: readonly string[] = [],
): Record<string, unknown> {
  if (!details) return {};
  return redactJson(details, sensitiveFields, { argumentsKey: 'arguments', limits: AUDIT_LIMITS });
}
