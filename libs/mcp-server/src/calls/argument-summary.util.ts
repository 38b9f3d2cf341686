const SECRET_NAME = /pass(word|wd)?|secret|token|api_?key|authorization|private_?key|credential/i;
const MAX_VALUE = 80;
const MAX_SUMMARY = 600;

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'null');
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/**
 * One line describing the arguments for a human confirming the call: top-level names with shortened values,
 * the manifest's `sensitive_fields` and secret-looking names masked.
 */
export function summarizeArguments(
  input: Record<string, unknown>,
  sensitiveFields: readonly string[],
): string {
  const sensitive = new Set(sensitiveFields.map((name) => name.toLowerCase()));
  const parts = Object.entries(input).map(([name, value]) =>
    sensitive.has(name.toLowerCase()) || SECRET_NAME.test(name)
      ? `${name}=[REDACTED]`
      : `${name}=${shown(value)}`,
  );
  const summary = parts.length > 0 ? parts.join(', ') : '(no arguments)';
  return summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary;
}
