import { importKeySet, type VerificationKey } from './key-set.util';

export type JwksFetcher = () => Promise<unknown>;

export interface JwksCacheOptions {
  fetcher: JwksFetcher;
  /** Minimum time between two fetch attempts, whatever triggers them. */
  cooldownMs: number;
  /** Age after which a lookup of a known kid also refreshes the set in the background. */
  maxAgeMs: number;
  now?: () => number;
  onLoaded?: (keys: number, skipped: number) => void;
  onError?: (error: unknown) => void;
}

/**
 * Verification keys from a remote JWKS, imported once per fetch. An unknown kid triggers at most one fetch
 * per cooldown, concurrent triggers share it (single flight), a failed or empty fetch keeps the last good
 * keys, and a successful one replaces the set (so dropped keys stop verifying).
 */
export class JwksCache {
  private keys = new Map<string, VerificationKey>();
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private inflight?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: JwksCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.keys.size;
  }

  /** The key for a kid in the current set, without fetching (undefined once a refresh dropped it). */
  current(kid: string): VerificationKey | undefined {
    return this.keys.get(kid);
  }

  async get(kid: string): Promise<VerificationKey | undefined> {
    const known = this.keys.get(kid);
    if (known) {
      if (this.now() - this.loadedAt > this.options.maxAgeMs) void this.refresh();
      return known;
    }
    await this.refresh();
    return this.keys.get(kid);
  }

  /** Fetches the set unless a fetch is in flight (joined) or the cooldown has not elapsed (no-op). */
  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.now() - this.attemptedAt < this.options.cooldownMs) return Promise.resolve();
    this.attemptedAt = this.now();
    this.inflight = this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    try {
      const { keys, skipped } = importKeySet(await this.options.fetcher());
      if (keys.size === 0) throw new Error(`JWKS has no usable signing key (${skipped} skipped)`);
      this.keys = keepUnchanged(this.keys, keys);
      this.loadedAt = this.now();
      this.options.onLoaded?.(keys.size, skipped);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

/**
 * The new set, where each key identical to the one it replaces (kid, algorithm and public key) is the old
 * object: cached tokens are trusted only while their key is the same object, so a refetch that changed
 * nothing must not send every cached token through its signature check again.
 */
function keepUnchanged(
  previous: ReadonlyMap<string, VerificationKey>,
  next: Map<string, VerificationKey>,
): Map<string, VerificationKey> {
  for (const [kid, key] of next) {
    const old = previous.get(kid);
    if (old && old.alg === key.alg && old.key.equals(key.key)) next.set(kid, old);
  }
  return next;
}
