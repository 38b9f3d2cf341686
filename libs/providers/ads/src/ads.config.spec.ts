import { ConfigValidationError } from '@toolgate/config';

import { loadAdsConfig, parseCustomerGrants } from './ads.config';

const grantsOf = (env: Record<string, string>) => {
  const { byTenant, others } = loadAdsConfig(env).customerGrants;
  return { byTenant: Object.fromEntries(byTenant), others };
};

describe('ADS_TENANT_CUSTOMER_IDS', () => {
  it('maps each tenant to its accounts, dashes optional, default first, `*` for the tenants not listed', () => {
    expect(
      grantsOf({
        ADS_TENANT_CUSTOMER_IDS: ' acme = 123-456-7890 | 2345678901 , beta=3456789012, *=4445556666,',
        GOOGLE_ADS_CUSTOMER_ID: '999-999-9999',
      }),
    ).toEqual({
      byTenant: { acme: ['1234567890', '2345678901'], beta: ['3456789012'] },
      others: ['4445556666'],
    });
  });

  it('grants nothing to unlisted tenants without `*`, GOOGLE_ADS_CUSTOMER_ID included', () => {
    expect(
      grantsOf({ ADS_TENANT_CUSTOMER_IDS: 'acme=1234567890', GOOGLE_ADS_CUSTOMER_ID: '999-999-9999' }),
    ).toEqual({ byTenant: { acme: ['1234567890'] }, others: [] });
  });

  it('unset: every tenant may use GOOGLE_ADS_CUSTOMER_ID only; nothing set: none live, the sandbox id offline', () => {
    expect(grantsOf({ GOOGLE_ADS_CUSTOMER_ID: '123-456-7890' })).toEqual({
      byTenant: {},
      others: ['1234567890'],
    });
    expect(grantsOf({ ADS_MODE: 'live' })).toEqual({ byTenant: {}, others: [] });
    expect(grantsOf({})).toEqual({ byTenant: {}, others: ['0000000000'] });
  });

  it('refuses a malformed value at boot with one line naming the variable', () => {
    const cases: [string, RegExp][] = [
      ['acme', /must be tenant=customerId\|customerId entries separated by commas \(got "acme"\)/],
      ['acme=', /\(got "acme="\)/],
      ['acme=1234567890|', /\(got "acme=1234567890\|"\)/],
      ['=1234567890', /names an invalid tenant ""/],
      ['ac me=1234567890', /names an invalid tenant "ac me"/],
      ['a|b=1234567890', /names an invalid tenant "a\|b"/],
      ['acme=1234567890=2345678901', /gives tenant acme "1234567890=2345678901", not a 10-digit customer id/],
      ['acme=12345', /gives tenant acme "12345", not a 10-digit customer id/],
      ['acme=1234567890,acme=2345678901', /lists tenant acme twice/],
      [' , ', /lists no tenant/],
    ];
    for (const [value, message] of cases) {
      const attempt = () => loadAdsConfig({ ADS_TENANT_CUSTOMER_IDS: value });
      expect(attempt).toThrow(ConfigValidationError);
      expect(attempt).toThrow(/^Invalid configuration: ADS_TENANT_CUSTOMER_IDS /);
      expect(attempt).toThrow(message);
    }
  });

  it('keeps each account once per tenant', () => {
    expect(parseCustomerGrants('acme=1234567890|123-456-7890').byTenant.get('acme')).toEqual(['1234567890']);
  });
});

describe('GOOGLE_ADS_TOKEN_URL and GOOGLE_ADS_BASE_URL', () => {
  it('refuse plain http at boot, naming the variable, unless the host is loopback (local fakes)', () => {
    for (const variable of ['GOOGLE_ADS_TOKEN_URL', 'GOOGLE_ADS_BASE_URL']) {
      for (const url of [
        'http://oauth2.example.com/token',
        'http://127.0.0.1.example.com',
        'http://10.0.0.8',
      ]) {
        const attempt = () => loadAdsConfig({ [variable]: url });
        expect(attempt).toThrow(ConfigValidationError);
        expect(attempt).toThrow(new RegExp(`^Invalid configuration: ${variable} must be an https:// URL`));
      }
      for (const url of [
        'https://example.com/x',
        'http://127.0.0.1:9',
        'http://localhost:8080',
        'http://[::1]:1',
      ]) {
        expect(() => loadAdsConfig({ [variable]: url })).not.toThrow();
      }
    }
    expect(loadAdsConfig({})).toMatchObject({
      tokenUrl: 'https://oauth2.googleapis.com/token',
      baseUrl: 'https://googleads.googleapis.com',
    });
  });
});
