/** What occurrences are grouped by: named text fields (an interface works as well as a type). */
export type AggregationKey<K> = { [F in keyof K]: string };

/** Occurrences of one key that were counted but not recorded one by one, in one window. */
export type AggregatedCount<K> = K & { count: number; first_at: string; last_at: string };

/** Beyond this many keys in one window, further keys share the overflow key (memory and rows stay bounded). */
export const MAX_AGGREGATION_KEYS = 1000;

interface Tally<K> {
  key: K;
  count: number;
  first: number;
  last: number;
}

/**
 * Groups repeated occurrences (failed logins, refused requests…) per key within a window, so that a flood
 * appends a bounded number of audit events to the append-only trail: the first occurrence of a key in a
 * window is recorded on its own (with its request id); the following ones are only counted, and `drain()`
 * (at the end of the window) answers one count per key. The fields of `overflow` name the key's fields;
 * beyond `maxKeys` keys, further keys share `overflow`. At most `2 × (maxKeys + 1)` events per window,
 * whatever the rate.
 */
export class AggregationWindow<K extends AggregationKey<K>> {
  private readonly tallies = new Map<string, Tally<K>>();
  private readonly fields: (keyof K)[];

  constructor(
    private readonly overflow: K,
    private readonly maxKeys = MAX_AGGREGATION_KEYS,
    private readonly now: () => number = Date.now,
  ) {
    this.fields = Object.keys(overflow) as (keyof K)[];
  }

  /** Keys held in the current window (overflow included). */
  get size(): number {
    return this.tallies.size;
  }

  /** True when this occurrence is the first of its key in the window: record it now. */
  admit(key: K): boolean {
    let id = JSON.stringify(this.fields.map((field) => key[field]));
    let own = this.pick(key);
    if (!this.tallies.has(id) && this.tallies.size >= this.maxKeys) {
      id = '*';
      own = this.overflow;
    }
    const tally = this.tallies.get(id);
    if (!tally) {
      this.tallies.set(id, { key: own, count: 0, first: 0, last: 0 });
      return true;
    }
    const at = this.now();
    if (tally.count === 0) tally.first = at;
    tally.count += 1;
    tally.last = at;
    return false;
  }

  /** The occurrences counted but not recorded since the last drain, per key; starts a new window. */
  drain(): AggregatedCount<K>[] {
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

  /** The key's own fields only: nothing else the caller's object carries is kept or drained. */
  private pick(key: K): K {
    const own = {} as K;
    for (const field of this.fields) own[field] = key[field];
    return own;
  }
}
