/** What failures are grouped by: where they came from, where they went, and why they failed. */
export interface AuthFailureKey {
  ip: string;
  route: string;
  reason: string;
}

/** Failures of one key that were counted but not recorded one by one, in one window. */
export interface AuthFailureCount extends AuthFailureKey {
  count: number;
  first_at: string;
  last_at: string;
}

/** Beyond this many keys in one window, further keys share one `*` key (memory and rows stay bounded). */
export const MAX_FAILURE_KEYS = 1000;
const OVERFLOW: AuthFailureKey = { ip: '*', route: '*', reason: '*' };

interface Tally {
  key: AuthFailureKey;
  count: number;
  first: number;
  last: number;
}

/**
 * Groups authentication failures per key within a window so that a flood of bad credentials appends a
 * bounded number of audit events: the first failure of a key in a window is recorded on its own (with its
 * request id); the following ones are only counted, and `drain()` (at the end of the window) answers one
 * count per key. At most `2 × (maxKeys + 1)` events per window, whatever the request rate.
 */
export class AuthFailureWindow {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly maxKeys = MAX_FAILURE_KEYS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when this failure is the first of its key in the window: record it now. */
  admit(key: AuthFailureKey): boolean {
    let id = JSON.stringify([key.ip, key.route, key.reason]);
    if (!this.tallies.has(id) && this.tallies.size >= this.maxKeys) {
      id = '*';
      key = OVERFLOW;
    }
    const tally = this.tallies.get(id);
    if (!tally) {
      this.tallies.set(id, { key, count: 0, first: 0, last: 0 });
      return true;
    }
    const at = this.now();
    if (tally.count === 0) tally.first = at;
    tally.count += 1;
    tally.last = at;
    return false;
  }

  /** The failures counted but not recorded since the last drain, per key; starts a new window. */
  drain(): AuthFailureCount[] {
    const counts = [...this.tallies.values()]
      .filter((tally) => tally.count > 0)
      .map(({ key, count, first, last }) => ({
        ...key,
        count,
        first_at: new Date(first).toISOString(),
        last_at: new Date(last).toISOString(),
      }));
    this.tallies.clear();
    return counts;
  }
}
