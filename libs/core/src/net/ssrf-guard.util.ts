import { lookup as dnsLookup } from 'node:dns/promises';

import { DomainException } from '../errors/domain.exception';
import { metadataReason, unsafeAddressReason } from './address-policy.util';
import { canonicalIp, normalizeHost } from './ip-address.util';

/** One resolved address of a host name. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (all A and AAAA records). */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SsrfGuardOptions {
  /**
   * Host names or IP literals exempt from the address checks (`HTTP_PROVIDER_ALLOWED_HOSTS`). A name is
   * matched as written in the URL (listing `127.0.0.1` does not allow `localhost`). Cloud metadata
   * endpoints stay refused even when listed.
   */
  allowedHosts?: readonly string[];
  /** Name resolution (defaults to the system resolver, every address); tests inject their own. */
  lookup?: HostLookup;
}

/** A URL or address the SSRF guard refuses. 422 at registration time; a provider maps it to 502 at call time. */
export class UnsafeUrlException extends DomainException {
  constructor(
    readonly reason: string,
    pointer = '/url',
  ) {
    super('NET.UNSAFE_URL', 422, 'Unprocessable Content', {
      detail: `The URL is not allowed: ${reason}.`,
      errors: [{ pointer, detail: reason }],
    });
  }
}

export const systemLookup: HostLookup = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** The allow-list in comparable form (IP literals canonical, names lowercase without a trailing dot). */
export function allowedHostSet(allowedHosts: readonly string[] = []): ReadonlySet<string> {
  return new Set(allowedHosts.map((host) => canonicalIp(host) ?? normalizeHost(host)));
}

export function isAllowedHost(host: string, allowed: ReadonlySet<string>): boolean {
  return allowed.has(canonicalIp(host) ?? normalizeHost(host));
}

/** Why a host as written in a URL is refused before any lookup, or `undefined` when it may proceed. */
export function literalHostRefusal(host: string, allowed: ReadonlySet<string>): string | undefined {
  const metadata = metadataReason(host);
  if (metadata) return `${normalizeHost(host)} is a ${metadata} endpoint`;
  if (isAllowedHost(host, allowed)) return undefined;
  const reason = unsafeAddressReason(host);
  return reason && `${normalizeHost(host)} is a ${reason} address`;
}

/**
 * Why resolved addresses are refused: any metadata address, or (for a host that is not allowed) any address
 * that is not public. Every address counts, so one private record among public ones refuses the host.
 */
export function resolvedRefusal(
  host: string,
  addresses: readonly ResolvedAddress[],
  allowed: ReadonlySet<string>,
): string | undefined {
  if (addresses.length === 0) return `${normalizeHost(host)} does not resolve`;
  const hostAllowed = isAllowedHost(host, allowed);
  for (const { address } of addresses) {
    const reason = hostAllowed ? metadataReason(address) : unsafeAddressReason(address);
    if (reason) return `${normalizeHost(host)} resolves to ${address}, a ${reason} address`;
  }
  return undefined;
}

function parseUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    throw new UnsafeUrlException('not a valid absolute URL');
  }
}

/**
 * Checks a URL before it is stored (registration time): http or https only, no credentials, and a host that
 * is allowed, or whose every address is public. Returns the parsed URL. Connect time needs the same checks
 * again (DNS may change): send requests through `createSafeDispatcher`.
 */
export async function assertSafeUrl(url: string | URL, options: SsrfGuardOptions = {}): Promise<URL> {
  const parsed = parseUrl(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UnsafeUrlException(`scheme ${parsed.protocol.replace(/:$/, '')} is not http or https`);
  }
  if (parsed.username || parsed.password) throw new UnsafeUrlException('credentials in URLs are refused');
  const allowed = allowedHostSet(options.allowedHosts);
  const host = parsed.hostname;
  const refused = literalHostRefusal(host, allowed);
  if (refused) throw new UnsafeUrlException(refused);
  if (canonicalIp(host) || isAllowedHost(host, allowed)) return parsed;
  let addresses: ResolvedAddress[];
  try {
    addresses = await (options.lookup ?? systemLookup)(normalizeHost(host));
  } catch {
    throw new UnsafeUrlException(`${normalizeHost(host)} does not resolve`);
  }
  const reason = resolvedRefusal(host, addresses, allowed);
  if (reason) throw new UnsafeUrlException(reason);
  return parsed;
}
