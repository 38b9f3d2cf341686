import { type AggregatedCount, AggregationWindow } from '@toolgate/core';

/** What failures are grouped by: where they came from, where they went, and why they failed. */
export interface AuthFailureKey {
  ip: string;
  route: string;
  reason: string;
}

/** Failures of one key that were counted but not recorded one by one, in one window. */
export type AuthFailureCount = AggregatedCount<AuthFailureKey>;

/** Beyond this many keys in one window, further keys share one `*` key (memory and rows stay bounded). */
export const MAX_FAILURE_KEYS = 1000;
const OVERFLOW: AuthFailureKey = { ip: '*', route: '*', reason: '*' };

/**
 * Groups authentication failures per IP, route and reason within a window (the shared
 * `AggregationWindow`): the first failure of a key in a window is recorded on its own, the following ones
 * are only counted, and `drain()` answers one count per key. At most `2 × (maxKeys + 1)` events per window.
 */
export class AuthFailureWindow extends AggregationWindow<AuthFailureKey> {
  constructor(maxKeys = MAX_FAILURE_KEYS, now: () => number = Date.now) {
    super(OVERFLOW, maxKeys, now);
  }
}
