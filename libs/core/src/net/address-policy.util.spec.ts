import { metadataReason, unsafeAddressReason } from './address-policy.util';
import { canonicalIp, parseIpv4, parseIpv6 } from './ip-address.util';

describe('IP address parsing', () => {
  it.each([
    ['127.0.0.1', [127, 0, 0, 1]],
    ['2130706433', [127, 0, 0, 1]],
    ['0x7f000001', [127, 0, 0, 1]],
    ['0177.0.0.1', [127, 0, 0, 1]],
    ['127.1', [127, 0, 0, 1]],
    ['10.1.65535', [10, 1, 255, 255]],
    ['0', [0, 0, 0, 0]],
  ])('reads the IPv4 form %s', (text, bytes) => {
    expect(parseIpv4(text)).toEqual(bytes);
  });

  it.each(['256.0.0.1', '1.2.3.4.5', '4294967296', '08.0.0.1', 'example.com', '1..2', ''])(
    'does not take %s for IPv4',
    (text) => expect(parseIpv4(text)).toBeUndefined(),
  );

  it('reads IPv6 with compression and a dotted tail', () => {
    expect(parseIpv6('::1')).toEqual([...Array(15).fill(0), 1]);
    expect(parseIpv6('::ffff:127.0.0.1')).toEqual([...Array(10).fill(0), 255, 255, 127, 0, 0, 1]);
    expect(parseIpv6('fe80::1%eth0')).toBeUndefined();
    expect(canonicalIp('[0:0:0:0:0:0:0:1]')).toBe(canonicalIp('::1'));
  });

  it('unwraps IPv4 embedded in IPv6 to the same canonical address', () => {
    for (const form of ['::ffff:127.0.0.1', '[::ffff:7f00:1]', '::127.0.0.1', '64:ff9b::7f00:1']) {
      expect(canonicalIp(form)).toBe('127.0.0.1');
    }
  });
});

describe('unsafeAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['169.254.169.254', 'cloud metadata'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['168.63.129.16', 'cloud metadata'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['192.88.99.255', '6to4 relay anycast'],
    ['::ffff:0:127.0.0.1', 'translated IPv4'],
    ['[::ffff:0:7f00:1]', 'translated IPv4'],
    ['::ffff:0:8.8.8.8', 'translated IPv4'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::c0a8:101', 'private'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata'],
    ['64:ff9b::a83f:8110', 'cloud metadata'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(unsafeAddressReason(address)).toBe(reason);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '192.88.100.1',
    '168.63.129.17',
  ])('accepts the public address %s', (address) => expect(unsafeAddressReason(address)).toBeUndefined());

  it('names a metadata address carried in an IPv4-translated one, so an allow-list cannot let it through', () => {
    expect(metadataReason('::ffff:0:169.254.169.254')).toBe('translated cloud metadata');
    expect(metadataReason('[::ffff:0:a83f:8110]')).toBe('translated cloud metadata');
    expect(metadataReason('168.63.129.16')).toBe('cloud metadata');
    expect(metadataReason('::ffff:0:8.8.8.8')).toBeUndefined();
  });

  it('ignores host names and knows metadata host names', () => {
    expect(unsafeAddressReason('example.com')).toBeUndefined();
    expect(metadataReason('metadata.google.internal.')).toBe('cloud metadata');
    expect(metadataReason('METADATA.GOOGLE.INTERNAL')).toBe('cloud metadata');
    expect(metadataReason('example.com')).toBeUndefined();
  });
});
