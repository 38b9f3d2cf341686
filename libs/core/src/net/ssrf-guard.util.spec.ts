import { assertSafeUrl, type HostLookup, UnsafeUrlException } from './ssrf-guard.util';
import { loadSsrfConfig } from './ssrf.config';

/** A resolver that answers from a table (no real DNS in these tests). */
const fakeDns =
  (table: Record<string, string[]>): HostLookup =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const lookup = fakeDns({
  'api.example.com': ['93.184.216.34', '2606:2800:220:1::'],
  'internal.example.com': ['10.0.0.7'],
  'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
  'six.example.com': ['2606:2800:220:1::', 'fd00::1'],
  'mapped.example.com': ['::ffff:192.168.0.1'],
  'dev.local': ['127.0.0.1'],
});

const refusal = (url: string, allowedHosts: string[] = []) =>
  assertSafeUrl(url, { allowedHosts, lookup }).then(
    () => undefined,
    (error: unknown) => {
      expect(error).toBeInstanceOf(UnsafeUrlException);
      return (error as UnsafeUrlException).reason;
    },
  );

describe('assertSafeUrl', () => {
  it('accepts a public host whose every address is public, and returns the parsed URL', async () => {
    await expect(assertSafeUrl('https://api.example.com/v1', { lookup })).resolves.toBeInstanceOf(URL);
    expect(await refusal('http://93.184.216.34:8080/x')).toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://10.1.2.3/', 'private'],
    ['http://192.168.0.10/', 'private'],
    ['http://172.20.0.1/', 'private'],
    ['http://100.64.1.1/', 'shared (CGNAT)'],
    ['http://169.254.10.10/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fd00::1]/', 'unique-local'],
    ['http://224.0.0.251/', 'multicast'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['http://[fd00:ec2::254]/', 'cloud metadata'],
    ['http://168.63.129.16/machine?comp=goalstate', 'cloud metadata'],
    ['http://192.88.99.1/', '6to4 relay anycast'],
    ['http://[::ffff:0:7f00:1]/', 'translated IPv4'],
    ['http://[::ffff:0:808:808]/', 'translated IPv4'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'cloud metadata'],
    ['http://[64:ff9b::a00:1]/', 'private'],
  ])('refuses %s (%s)', async (url, reason) => {
    expect(await refusal(url)).toContain(reason);
  });

  it('checks every resolved address of a name (A and AAAA), IPv4-mapped ones included', async () => {
    expect(await refusal('http://internal.example.com/')).toBe(
      'internal.example.com resolves to 10.0.0.7, a private address',
    );
    expect(await refusal('http://mixed.example.com/')).toContain('127.0.0.1, a loopback address');
    expect(await refusal('http://six.example.com/')).toContain('fd00::1, a unique-local address');
    expect(await refusal('http://mapped.example.com/')).toContain('a private address');
    expect(await refusal('http://nowhere.example.com/')).toBe('nowhere.example.com does not resolve');
  });

  it('lets listed hosts through, matched as written', async () => {
    expect(await refusal('http://127.0.0.1:8080/', ['127.0.0.1'])).toBeUndefined();
    expect(await refusal('http://2130706433/', ['127.0.0.1'])).toBeUndefined(); // the same address
    expect(await refusal('http://[::1]/', ['[::1]'])).toBeUndefined();
    expect(await refusal('http://DEV.local./', ['dev.local'])).toBeUndefined();
    expect(await refusal('http://dev.local/', ['127.0.0.1'])).toContain('resolves to 127.0.0.1');
    expect(await refusal('http://127.0.0.2/', ['127.0.0.1'])).toContain('loopback');
  });

  it('refuses metadata endpoints even when listed', async () => {
    expect(await refusal('http://169.254.169.254/', ['169.254.169.254'])).toContain('cloud metadata');
    expect(await refusal('http://metadata.google.internal/', ['metadata.google.internal'])).toContain(
      'cloud metadata',
    );
    expect(await refusal('http://168.63.129.16/', ['168.63.129.16'])).toContain('cloud metadata');
    expect(await refusal('http://[::ffff:0:a9fe:a9fe]/', ['[::ffff:0:a9fe:a9fe]'])).toContain(
      'cloud metadata',
    );
  });

  it('accepts only http and https, without credentials', async () => {
    for (const url of ['ftp://api.example.com/', 'file:///etc/passwd', 'gopher://api.example.com/']) {
      expect(await refusal(url)).toMatch(/^scheme \w+ is not http or https$/);
    }
    expect(await refusal('https://user:pw@api.example.com/')).toBe('credentials in URLs are refused');
    expect(await refusal('https://user@api.example.com/')).toBe('credentials in URLs are refused');
    expect(await refusal('not a url')).toBe('not a valid absolute URL');
  });

  it('answers a 422 problem naming the reason', async () => {
    const error = await assertSafeUrl('http://127.0.0.1/').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'NET.UNSAFE_URL',
      status: 422,
      errors: [{ pointer: '/url', detail: '127.0.0.1 is a loopback address' }],
    });
  });
});

describe('loadSsrfConfig', () => {
  it('reads a comma list of names and IPs', () => {
    expect(
      loadSsrfConfig({ HTTP_PROVIDER_ALLOWED_HOSTS: ' 127.0.0.1, LocalHost ,[::1],,api.internal' }),
    ).toEqual({
      allowedHosts: ['127.0.0.1', 'localhost', '::1', 'api.internal'],
    });
    expect(loadSsrfConfig({})).toEqual({ allowedHosts: [] });
  });

  it('names the variable and the bad entry', () => {
    expect(() => loadSsrfConfig({ HTTP_PROVIDER_ALLOWED_HOSTS: 'localhost:8080' })).toThrow(
      'Invalid configuration: HTTP_PROVIDER_ALLOWED_HOSTS must list host names or IP addresses (got "localhost:8080")',
    );
    expect(() => loadSsrfConfig({ HTTP_PROVIDER_ALLOWED_HOSTS: 'http://x' })).toThrow(/got "http:\/\/x"/);
  });
});
