import { type CredentialSource, CredentialUnavailableException } from '@toolgate/broker';
import { PUBLIC_TENANT } from '@toolgate/catalog';

/**
 * Variables an ingested API may name as its secret: `HTTP_API_*` only, so an API never borrows another
 * provider's secret (`PIPEDRIVE_API_TOKEN`, `DATABASE_URL`…) and sends it to the base URL its admin chose.
 */
export const HTTP_API_SECRET_ENV = /^HTTP_API_[A-Z0-9_]{1,119}$/;

/**
 * `HTTP_API_` for platform-wide (`public`) APIs, `HTTP_API_<TENANT>__` for a tenant's: the tenant
 * upper-cased, each run of characters outside A-Z and 0-9 as one `_`, none at either end, then `__`
 * (`acme-eu` → `HTTP_API_ACME_EU__`). The tenant part never holds `__`, so no tenant's prefix is the start
 * of another's (`acme`'s `HTTP_API_ACME__` is not a prefix of `HTTP_API_ACME_EU__…`).
 */
export function secretEnvPrefix(tenant: string): string {
  if (tenant === PUBLIC_TENANT) return 'HTTP_API_';
  const name = tenant
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `HTTP_API_${name}__`;
}

/** Why an API of `tenant` may not read `secretEnv`, or undefined when it may. */
export function secretEnvViolation(tenant: string, secretEnv: string): string | undefined {
  const prefix = secretEnvPrefix(tenant);
  if (
    HTTP_API_SECRET_ENV.test(secretEnv) &&
    secretEnv.startsWith(prefix) &&
    secretEnv.length > prefix.length
  ) {
    return undefined;
  }
  const whose = tenant === PUBLIC_TENANT ? 'a platform-wide API' : `an API of tenant ${tenant}`;
  return `secret_env of ${whose} must be a variable named ${prefix}<NAME> (A-Z, 0-9, _; at most 128 characters)`;
}

/** The credential of a stored API whose variable is outside its namespace: never read, every call a 503. */
export function refusedSecretSource(provider: string, reason: string): CredentialSource {
  return {
    issue: () => Promise.reject(new CredentialUnavailableException(provider, reason)),
  };
}
