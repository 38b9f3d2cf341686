import { type CredentialSource, CredentialUnavailableException } from '@toolgate/broker';
import { PUBLIC_TENANT } from '@toolgate/catalog';

/** Longest variable name an ingested API may name (room for the hex form of a 128-character tenant). */
export const HTTP_API_SECRET_ENV_MAX = 300;

/**
 * Variables an ingested API may name as its secret: `HTTP_API_*` only, so an API never borrows another
 * provider's secret (`PIPEDRIVE_API_TOKEN`, `DATABASE_URL`…) and sends it to the base URL its admin chose.
 */
export const HTTP_API_SECRET_ENV = new RegExp(`^HTTP_API_[A-Z0-9_]{1,${HTTP_API_SECRET_ENV_MAX - 9}}$`);

/** Tenants whose namespace is readable: lower-case letters and digits, single hyphens between them. */
const SLUG_TENANT = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * `HTTP_API_` for platform-wide (`public`) APIs (whose names may not hold `__`, see `secretEnvViolation`),
 * `HTTP_API_<TENANT>__` for a tenant's. A slug tenant
 * (`acme`, `acme-eu`) is upper-cased with `-` as `_` (`HTTP_API_ACME_EU__`); any other tenant (`Acme`,
 * `acme_eu`, `acme.eu`) is `_` and the hex of its bytes (`acme_eu` → `HTTP_API__61636D655F6575__`).
 *
 * The mapping is one-to-one, so tenants whose names differ only in case or punctuation never share a
 * namespace (an admin of `acme.eu` cannot name `acme-eu`'s secret). No tenant part holds `__`, so no
 * prefix is the start of another tenant's variables (`HTTP_API_ACME__` is not a prefix of
 * `HTTP_API_ACME_EU__…`, and a slug's part never starts with `_`, a hex part always does).
 */
export function secretEnvPrefix(tenant: string): string {
  if (tenant === PUBLIC_TENANT) return 'HTTP_API_';
  const part = SLUG_TENANT.test(tenant)
    ? tenant.toUpperCase().replaceAll('-', '_')
    : `_${Buffer.from(tenant, 'utf8').toString('hex').toUpperCase()}`;
  return `HTTP_API_${part}__`;
}

/**
 * Why an API of `tenant` may not read `secretEnv`, or undefined when it may. A platform-wide name may not
 * hold `__`: every tenant's variable does (after its `<TENANT>` part), so `public` cannot name one
 * (`HTTP_API_GITHUB__TOKEN` is tenant `github`'s alone) and no tenant can name a platform-wide one.
 */
export function secretEnvViolation(tenant: string, secretEnv: string): string | undefined {
  const prefix = secretEnvPrefix(tenant);
  const isPublic = tenant === PUBLIC_TENANT;
  if (
    HTTP_API_SECRET_ENV.test(secretEnv) &&
    secretEnv.startsWith(prefix) &&
    secretEnv.length > prefix.length &&
    !(isPublic && secretEnv.includes('__'))
  ) {
    return undefined;
  }
  const whose = isPublic ? 'a platform-wide API' : `an API of tenant ${tenant}`;
  const except = isPublic ? ' without "__" (the tenants\' namespaces)' : '';
  return (
    `secret_env of ${whose} must be a variable named ${prefix}<NAME>${except} ` +
    `(A-Z, 0-9, _; at most ${HTTP_API_SECRET_ENV_MAX} characters)`
  );
}

/** The credential of a stored API whose variable is outside its namespace: never read, every call a 503. */
export function refusedSecretSource(provider: string, reason: string): CredentialSource {
  return {
    issue: () => Promise.reject(new CredentialUnavailableException(provider, reason)),
  };
}
