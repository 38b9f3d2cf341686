import { canonicalIp, normalizeHost } from './ip-address.util';

export interface SsrfConfig {
  /** `HTTP_PROVIDER_ALLOWED_HOSTS`: host names or IP literals outbound calls may reach even if not public. */
  allowedHosts: string[];
}

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * Reads the SSRF allow-list (comma-separated host names or IPs, IPv6 with or without brackets). Fails with
 * one line naming the variable and the bad entry.
 */
export function loadSsrfConfig(env: NodeJS.ProcessEnv = process.env): SsrfConfig {
  const raw = env.HTTP_PROVIDER_ALLOWED_HOSTS ?? '';
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!canonicalIp(entry) && !HOST_NAME.test(normalizeHost(entry))) {
      throw new Error(
        `Invalid configuration: HTTP_PROVIDER_ALLOWED_HOSTS must list host names or IP addresses (got "${entry}")`,
      );
    }
  }
  return { allowedHosts: entries.map(normalizeHost) };
}
