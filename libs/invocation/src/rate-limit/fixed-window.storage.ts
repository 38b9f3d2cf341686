import { type ThrottlerStorage } from '@nestjs/throttler';

export type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface WindowRecord {
  hits: number;
  /** Epoch ms when the window's count starts over. */
  windowEndsAt: number;
  /** Epoch ms until which the key is blocked (0 when not blocked). */
  blockedUntil: number;
}

/** How often idle keys are swept out; each `increment` is O(1) regardless. */
export const SWEEP_INTERVAL_MS = 60_000;

/**
 * In-process throttler storage: one counter per key and fixed window, so a hit costs the same at 5 and at
 * 100,000 requests per window (@nestjs/throttler's own memory storage keeps and filters one expiry per
 * hit, which made it the busiest code of the invoke path under load). Same contract as the Redis storage:
 * the hit that exceeds `limit` blocks the key for `blockDuration` ms (the rest of the window when 0);
 * blocked hits are not counted.
 */
export class FixedWindowStorage implements ThrottlerStorage {
  private readonly records = new Map<string, WindowRecord>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {}

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    return Promise.resolve(this.hit(`${throttlerName}\u0000${key}`, ttl, limit, blockDuration));
  }

  /** Synchronous core of `increment`. */
  hit(id: string, ttl: number, limit: number, blockDuration: number): ThrottlerRecord {
    const now = this.now();
    let record = this.records.get(id);
    if (!record) {
      record = { hits: 0, windowEndsAt: now + ttl, blockedUntil: 0 };
      this.records.set(id, record);
      this.startSweeper();
    }
    if (record.blockedUntil > now) return this.state(record, now, true);
    if (record.blockedUntil !== 0) {
      // The block is over: start afresh.
      record.blockedUntil = 0;
      record.hits = 0;
      record.windowEndsAt = now + ttl;
    } else if (record.windowEndsAt <= now) {
      record.hits = 0;
      record.windowEndsAt = now + ttl;
    }
    record.hits += 1;
    if (record.hits <= limit) return this.state(record, now, false);
    record.blockedUntil = blockDuration > 0 ? now + blockDuration : record.windowEndsAt;
    return this.state(record, now, true);
  }

  get size(): number {
    return this.records.size;
  }

  /** Drops keys whose window and block are both over. */
  sweep(): void {
    const now = this.now();
    for (const [id, record] of this.records)
      if (record.windowEndsAt <= now && record.blockedUntil <= now) this.records.delete(id);
  }

  clear(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.records.clear();
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  private state(record: WindowRecord, now: number, isBlocked: boolean): ThrottlerRecord {
    return {
      totalHits: record.hits,
      timeToExpire: Math.max(0, Math.ceil((record.windowEndsAt - now) / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil((record.blockedUntil - now) / 1000)) : 0,
    };
  }
}
