import { CredentialUnavailableException } from '@toolgate/broker';

import { refusedSecretSource, secretEnvPrefix, secretEnvViolation } from './http-api-secret.util';

describe('secret_env namespace of ingested APIs', () => {
  it('binds a tenant API to HTTP_API_<TENANT>__, a public one to HTTP_API_', () => {
    expect(secretEnvPrefix('acme')).toBe('HTTP_API_ACME__');
    expect(secretEnvPrefix('acme-eu-2')).toBe('HTTP_API_ACME_EU_2__');
    expect(secretEnvPrefix('acme_eu')).toBe('HTTP_API__61636D655F6575__');
    expect(secretEnvPrefix('public')).toBe('HTTP_API_');
  });

  // Tenants that would share a namespace if case and punctuation were folded away.
  const LOOKALIKES = [
    'acme-eu',
    'acme_eu',
    'acme.eu',
    'ACME-EU',
    'Acme-Eu',
    'acme--eu',
    '-acme-eu',
    'acme-eu-',
    'acme-eu.',
    'acme',
    'acme-e',
    'x61636d65',
    '_',
    'a',
    'A',
  ];

  it("gives every tenant its own namespace: no prefix starts another tenant's", () => {
    const prefixes = LOOKALIKES.map(secretEnvPrefix);
    expect(new Set(prefixes).size).toBe(LOOKALIKES.length);
    for (const [i, tenant] of LOOKALIKES.entries()) {
      const variable = `${prefixes[i]}TOKEN`;
      expect(secretEnvViolation(tenant, variable)).toBeUndefined();
      for (const other of LOOKALIKES.filter((candidate) => candidate !== tenant)) {
        expect({ other, variable, refused: secretEnvViolation(other, variable) !== undefined }).toEqual({
          other,
          variable,
          refused: true,
        });
      }
    }
  });

  it("keeps platform-wide names out of every tenant's namespace", () => {
    for (const tenant of [...LOOKALIKES, 'github', 'stripe']) {
      const variable = `${secretEnvPrefix(tenant)}TOKEN`;
      expect({ variable, public: secretEnvViolation('public', variable) }).toEqual({
        variable,
        public: expect.stringMatching(/HTTP_API_<NAME> without "__"/),
      });
    }
    expect(secretEnvViolation('github', 'HTTP_API_GITHUB__TOKEN')).toBeUndefined();
    expect(secretEnvViolation('public', 'HTTP_API_STRIPE__LIVE_KEY')).toBe(
      'secret_env of a platform-wide API must be a variable named HTTP_API_<NAME> without "__" ' +
        "(the tenants' namespaces) (A-Z, 0-9, _; at most 300 characters)",
    );
  });

  it('keeps the hex namespace of the longest tenant claim within the variable limit', () => {
    const tenant = 'T'.repeat(128);
    expect(secretEnvViolation(tenant, `${secretEnvPrefix(tenant)}TOKEN`)).toBeUndefined();
  });

  it("never lets one tenant's prefix reach another's variables", () => {
    expect(secretEnvViolation('acme', 'HTTP_API_ACME_EU__KEY')).toBeDefined();
    expect(secretEnvViolation('acme-eu', 'HTTP_API_ACME__KEY')).toBeDefined();
    expect(secretEnvViolation('acme-eu', 'HTTP_API_ACME_EU__KEY')).toBeUndefined();
  });

  it.each([
    ['acme', 'HTTP_API_ACME__PETSTORE_TOKEN'],
    ['acme-eu', 'HTTP_API_ACME_EU__KEY'],
    ['public', 'HTTP_API_BENCH_TOKEN'],
    ['public', 'HTTP_API_ACME_X'],
  ])('lets tenant %s read %s', (tenant, name) => {
    expect(secretEnvViolation(tenant, name)).toBeUndefined();
  });

  it.each([
    ['acme', 'PIPEDRIVE_API_TOKEN'],
    ['acme', 'DATABASE_URL'],
    ['acme', 'GOOGLE_ADS_REFRESH_TOKEN'],
    ['acme', 'MCP_CRM_TOKEN'],
    ['acme', 'HTTP_API_GLOBEX_X'],
    ['acme', 'HTTP_API_ACME__'],
    ['acme', 'HTTP_API_ACME_PETSTORE_TOKEN'],
    ['acme', 'HTTP_API_BENCH_TOKEN'],
    ['acme', 'http_api_acme_token'],
    ['public', 'HTTP_API_'],
    ['public', 'HTTP_API_GITHUB__TOKEN'],
    ['public', 'HTTP_API__41434D45__KEY'],
    ['public', 'PIPEDRIVE_API_TOKEN'],
    ['public', `HTTP_API_${'X'.repeat(292)}`],
    ['acme.eu', 'HTTP_API_ACME_EU__KEY'],
    ['Acme', 'HTTP_API_ACME__KEY'],
  ])('refuses tenant %s the variable %s, naming the rule', (tenant, name) => {
    expect(secretEnvViolation(tenant, name)).toMatch(/must be a variable named HTTP_API_/);
  });

  it('names the tenant prefix in the reason', () => {
    expect(secretEnvViolation('acme', 'HTTP_API_GLOBEX_X')).toBe(
      'secret_env of an API of tenant acme must be a variable named HTTP_API_ACME__<NAME> ' +
        '(A-Z, 0-9, _; at most 300 characters)',
    );
  });

  it('refuses every credential of a source outside the namespace', async () => {
    const source = refusedSecretSource('http:acme/exfil', 'PIPEDRIVE_API_TOKEN is outside');
    await expect(source.issue({ scopes: [], subject: 's', tenant: 'acme', purpose: 'p' })).rejects.toThrow(
      CredentialUnavailableException,
    );
  });
});
