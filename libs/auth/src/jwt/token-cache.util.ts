import { hash } from 'node:crypto';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * Verified tokens, keyed by the SHA-256 of the token (never the token itself), so an agent reusing a token
 * skips the signature check. An entry lives at most `ttlMs` and never past the token's `exp`; the map is
 * bounded (oldest entry evicted first). `ttlMs` or `maxEntries` of 0 disables it.
 */
export class TokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  static keyOf(token: string): string {
    return hash('sha256', token, 'base64url');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Caches a value until min(now + ttl, exp); `expSeconds` is the token's `exp` claim. */
  set(key: string, value: T, expSeconds: number): void {
    if (this.ttlMs <= 0 || this.maxEntries <= 0) return;
    const now = this.now();
    const expiresAt = Math.min(now + this.ttlMs, expSeconds * 1000);
    if (!(expiresAt > now)) return;
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt });
  }

  clear(): void {
    this.entries.clear();
  }
}
