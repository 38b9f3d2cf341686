import { REDACTED, redactJson } from '@toolgate/core';

const MAX_VALUE = 80;
const MAX_SUMMARY = 600;

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'null');
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/**
 * One line describing the arguments for a human confirming the call: top-level names with shortened values,
 * masked by the same redactor as the approval view and the audit trail (the manifest's `sensitive_fields`,
 * secret-looking names and credential values, at any depth).
 */
export function summarizeArguments(
  input: Record<string, unknown>,
  sensitiveFields: readonly string[],
): string {
  const parts = Object.entries(redactJson(input, sensitiveFields)).map(
    ([name, value]) => `${name}=${value === REDACTED ? REDACTED : shown(value)}`,
  );
  const summary = parts.length > 0 ? parts.join(', ') : '(no arguments)';
  return summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary;
}
