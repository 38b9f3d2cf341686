/**
 * Provider secrets are referenced by the name of the environment variable that holds them (never stored
 * or returned). This is the one place that reads them.
 */
export function readSecretFromEnv(name: string): string | undefined {
  if (!/^[A-Z][A-Z0-9_]{0,127}$/.test(name)) return undefined;
  const value = process.env[name];
  return value && value.length > 0 ? value : undefined;
}
