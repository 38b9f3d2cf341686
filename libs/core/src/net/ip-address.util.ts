import { isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = readonly number[];

const V4_PART = /^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i;

/**
 * Parses IPv4 the way `inet_aton` (and so `getaddrinfo` and browsers) does: one to four parts, each decimal,
 * octal (leading `0`) or hex (`0x`), the last part filling the remaining bytes. `2130706433`, `0x7f000001`,
 * `0177.0.0.1` and `127.1` are all 127.0.0.1. Anything else is `undefined`.
 */
export function parseIpv4(text: string): IpBytes | undefined {
  const parts = text.split('.');
  if (parts.length > 4 || !parts.every((part) => V4_PART.test(part))) return undefined;
  const values = parts.map((part) =>
    /^0x/i.test(part) ? parseInt(part.slice(2), 16) : /^0./.test(part) ? parseInt(part, 8) : Number(part),
  );
  const last = values.pop()!;
  if (values.some((value) => value > 255) || last >= 256 ** (4 - values.length)) return undefined;
  const tail = [24, 16, 8, 0].slice(values.length).map((shift) => Math.floor(last / 2 ** shift) % 256);
  return [...values, ...tail];
}

/** Parses an IPv6 literal (brackets and zone ids are not part of it) into 16 bytes. */
export function parseIpv6(text: string): IpBytes | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const lower = text.toLowerCase();
  const gap = lower.indexOf('::');
  const words = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const [a, b, c, d] = parseIpv4(group) ?? [0, 0, 0, 0];
          return [(a << 8) | b, (c << 8) | d];
        });
  const head = words(gap >= 0 ? lower.slice(0, gap) : lower);
  const tail = gap >= 0 ? words(lower.slice(gap + 2)) : [];
  const fill = gap >= 0 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  if (all.length !== 8) return undefined;
  return all.flatMap((word) => [word >> 8, word & 0xff]);
}

/** Strips URL brackets and a trailing dot, lowercases: the form hosts are compared in. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/**
 * The bytes of an IP literal in any accepted form, IPv4 embedded in IPv6 (`::ffff:127.0.0.1`,
 * `::127.0.0.1`, NAT64 `64:ff9b::/96`) unwrapped to its 4 bytes. `undefined` for host names.
 */
export function ipBytesOf(host: string): IpBytes | undefined {
  const normalized = normalizeHost(host);
  const v4 = parseIpv4(normalized);
  if (v4) return v4;
  const v6 = parseIpv6(normalized);
  if (!v6) return undefined;
  const zeros = (from: number, to: number) => v6.slice(from, to).every((byte) => byte === 0);
  const mapped = zeros(0, 10) && v6[10] === 0xff && v6[11] === 0xff;
  const compatible = zeros(0, 12) && !zeros(12, 15); // `::a.b.c.d`, but not `::` or `::1`
  const nat64 = v6[0] === 0 && v6[1] === 0x64 && v6[2] === 0xff && v6[3] === 0x9b && zeros(4, 12);
  return mapped || compatible || nat64 ? v6.slice(12) : v6;
}

/** One canonical text per address (v4 dotted, v6 eight full groups): equal addresses, equal keys. */
export function canonicalIp(host: string): string | undefined {
  const bytes = ipBytesOf(host);
  if (!bytes) return undefined;
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}
