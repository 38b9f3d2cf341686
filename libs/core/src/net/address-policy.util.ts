import { ipBytesOf, type IpBytes, normalizeHost, parseIpv4, parseIpv6 } from './ip-address.util';

interface Range {
  bytes: IpBytes;
  prefix: number;
  reason: string;
}

function range(cidr: string, reason: string): Range {
  const [address, prefix] = cidr.split('/');
  const bytes = parseIpv4(address) ?? parseIpv6(address);
  if (!bytes) throw new Error(`bad CIDR ${cidr}`);
  return { bytes, prefix: Number(prefix), reason };
}

/** Cloud instance metadata endpoints: refused even when listed as allowed. */
const METADATA: Range[] = [
  range('169.254.169.254/32', 'cloud metadata'),
  range('169.254.170.2/32', 'cloud metadata'),
  range('100.100.100.200/32', 'cloud metadata'),
  range('fd00:ec2::254/128', 'cloud metadata'),
  // Azure's platform address (WireServer, instance health, DNS): answers every VM, holds its secrets.
  range('168.63.129.16/32', 'cloud metadata'),
];

export const METADATA_HOSTNAMES: readonly string[] = [
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
];

/** Everything that is not a public unicast address (first match names the reason). */
const NON_PUBLIC: Range[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'shared (CGNAT)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved'),
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::/96', 'reserved'),
  range('::ffff:0:0:0/96', 'translated IPv4'),
  range('64:ff9b:1::/48', 'NAT64 local-use'),
  range('100::/64', 'discard'),
  range('2001::/32', 'Teredo'),
  range('2001:db8::/32', 'documentation'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

function inRange(bytes: IpBytes, { bytes: base, prefix }: Range): boolean {
  if (bytes.length !== base.length) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const bits = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((bytes[bit / 8] & mask) !== (base[bit / 8] & mask)) return false;
  }
  return true;
}

/** IPv4-translated (`::ffff:0:a.b.c.d`, SIIT): bytes 0-7 zero, 8-9 `ffff`, 10-11 zero. */
const isTranslated = (bytes: IpBytes): boolean =>
  bytes.length === 16 &&
  bytes.slice(0, 8).every((byte) => byte === 0) &&
  bytes[8] === 0xff &&
  bytes[9] === 0xff &&
  bytes[10] === 0 &&
  bytes[11] === 0;

function reasonOf(bytes: IpBytes, ranges: Range[]): string | undefined {
  const found = ranges.find((candidate) => inRange(bytes, candidate))?.reason;
  if (found || bytes.length !== 16) return found;
  // 6to4 (2002::/16) carries an IPv4 address in bytes 2-5: judge that address.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) {
    const embedded = reasonOf(bytes.slice(2, 6), ranges);
    return embedded && `6to4 of ${embedded}`;
  }
  // IPv4-translated (refused as a whole among the non-public ranges) names a metadata address it carries.
  if (isTranslated(bytes)) {
    const embedded = reasonOf(bytes.slice(12), ranges);
    return embedded && `translated ${embedded}`;
  }
  return undefined;
}

/** `cloud metadata` for metadata endpoints (by address or well-known name), else `undefined`. */
export function metadataReason(host: string): string | undefined {
  const bytes = ipBytesOf(host);
  if (!bytes) return METADATA_HOSTNAMES.includes(normalizeHost(host)) ? 'cloud metadata' : undefined;
  return reasonOf(bytes, METADATA);
}

/**
 * Why an IP address is not a public unicast one (`loopback`, `private`, `link-local`, `cloud metadata`…),
 * whatever its notation (numeric IPv4 forms, IPv4-mapped/compatible/NAT64/6to4 IPv6); `undefined` when it
 * is public or `host` is not an IP address.
 */
export function unsafeAddressReason(host: string): string | undefined {
  const bytes = ipBytesOf(host);
  if (!bytes) return undefined;
  return reasonOf(bytes, METADATA) ?? reasonOf(bytes, NON_PUBLIC);
}
