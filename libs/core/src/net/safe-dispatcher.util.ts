import { type LookupFunction } from 'node:net';

import { Agent, buildConnector } from 'undici';

import { normalizeHost } from './ip-address.util';
import {
  allowedHostSet,
  literalHostRefusal,
  resolvedRefusal,
  type SsrfGuardOptions,
  systemLookup,
  UnsafeUrlException,
} from './ssrf-guard.util';

export interface SafeDispatcherOptions extends SsrfGuardOptions {
  /** Connection establishment timeout (default 10 s). */
  connectTimeoutMs?: number;
  /** Idle keep-alive sockets are closed after this long (default 30 s). */
  keepAliveTimeoutMs?: number;
  /** Sockets per origin (default 32). */
  connections?: number;
}

/**
 * A keep-alive undici `Agent` that applies the SSRF guard when each connection is made: an IP literal host
 * is checked as is; a name is resolved once and every address checked before the socket connects to one of
 * them (no DNS rebinding between the check and the connect). Redirects are never followed (undici follows
 * none unless asked). A refused connection fails the request with `UnsafeUrlException`.
 */
export function createSafeDispatcher(options: SafeDispatcherOptions = {}): Agent {
  const allowed = allowedHostSet(options.allowedHosts);
  const resolve = options.lookup ?? systemLookup;

  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(normalizeHost(hostname)).then(
      (addresses) => {
        const refused = resolvedRefusal(hostname, addresses, allowed);
        if (refused) return callback(new UnsafeUrlException(refused), []);
        const usable = lookupOptions.family
          ? addresses.filter(({ family }) => family === lookupOptions.family)
          : addresses;
        if (usable.length === 0)
          return callback(new UnsafeUrlException(`${hostname} has no usable address`), []);
        if (lookupOptions.all) return callback(null, usable);
        callback(null, usable[0].address, usable[0].family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), []),
    );
  };

  const connector = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    lookup: guardedLookup,
  });

  return new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connections: options.connections ?? 32,
    connect: (connectOptions, callback) => {
      // Node skips `lookup` for IP literals: judge those (and metadata host names) here.
      const refused = literalHostRefusal(connectOptions.hostname, allowed);
      if (refused) {
        queueMicrotask(() => callback(new UnsafeUrlException(refused), null));
        return;
      }
      connector(connectOptions, callback);
    },
  });
}
