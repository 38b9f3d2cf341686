import { type ChainHead, type PendingAuditEvent } from '../audit.types';
import { type LinkedEvent } from '../chain/audit-hash.util';
import {
  appendToChain,
  type ChainTimeouts,
  chainTimeouts,
  isUniqueViolation,
  type SqlSession,
} from './chain-append.util';

/** A pooled connection: released after each flush, destroyed (`release(error)`) when it broke. */
export interface PooledSession extends SqlSession {
  release(destroy?: Error | boolean): void;
}

export interface GroupCommitOptions {
  connect(): Promise<PooledSession>;
  /** Called once per committed flush, in chain order (the JSONL mirror); awaited before the callers resolve. */
  committed(tenant: string, events: LinkedEvent[]): void | Promise<void>;
  batchMax: number;
  queueMax: number;
  writeTimeoutMs: number;
  /**
   * Events the database will not get: accepted once the writer is closed, left queued at its deadline, or
   * failed while it closed. Kept elsewhere (and said so) by the caller; must not throw.
   */
  unwritten?(events: PendingAuditEvent[], reason: string): void;
}

interface Waiter {
  event: PendingAuditEvent;
  resolve(): void;
  reject(error: unknown): void;
}

interface Chain {
  tenant: string;
  queue: Waiter[];
  /** The head this process last committed or read (undefined: unknown, read it under the lock). */
  head?: ChainHead | null;
  flushing?: Promise<void>;
  /** A flush overran the timeout and is still running: fail fast until it ends. */
  stalled: boolean;
}

export class AuditWriteError extends Error {}

const ATTEMPTS = 3;

/**
 * Group commit per chain: events wait in the tenant's queue; at most one flush per chain is in flight and
 * each flush writes everything queued so far (up to `batchMax`) in one transaction, then resolves every
 * waiter. The next flush starts as soon as the previous one returns, so under load batches grow instead
 * of transactions multiplying; different tenants flush in parallel.
 */
export class GroupCommitWriter {
  private readonly chains = new Map<string, Chain>();
  private readonly timeouts: ChainTimeouts;
  /** `close()` began: an event that fails from now on is handed to `unwritten`. */
  private closing = false;
  /** Closed: nothing reaches the database any more. */
  private closed = false;

  constructor(private readonly options: GroupCommitOptions) {
    this.timeouts = chainTimeouts(options.writeTimeoutMs);
  }

  /** Resolves once the event is committed; rejects when it could not be (or not in time). */
  append(event: PendingAuditEvent): Promise<void> {
    if (this.closed) return this.refuse(event, 'the audit database pool is closed: the event was not stored');
    const chain = this.chainOf(event.tenant);
    if (chain.stalled) return this.refuse(event, 'the audit database is not answering');
    if (chain.queue.length >= this.options.queueMax) {
      return this.refuse(event, `more than ${this.options.queueMax} audit events waiting`);
    }
    return new Promise<void>((resolve, reject) => {
      chain.queue.push({ event, resolve, reject });
      if (!chain.flushing) chain.flushing = this.drain(chain);
    });
  }

  /** The head this process last committed on `tenant`'s chain (undefined when unknown). */
  headOf(tenant: string): ChainHead | undefined {
    return this.chains.get(tenant)?.head ?? undefined;
  }

  /** Waits until every queued event is written (or failed). */
  async settle(): Promise<void> {
    while ([...this.chains.values()].some((chain) => chain.flushing)) {
      await Promise.all([...this.chains.values()].map((chain) => chain.flushing));
    }
  }

  /**
   * Writes what is queued, and what arrives meanwhile, for at most `withinMs`; then stops writing (the
   * database pool is about to close). Events still queued then, failing meanwhile or arriving later go to
   * `unwritten` and fail: none is dropped without a word.
   */
  async close(withinMs: number): Promise<void> {
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)));
    await Promise.race([this.settle(), deadline]);
    clearTimeout(timer);
    this.closed = true;
    const late = new AuditWriteError(
      `not written within ${withinMs} ms before the audit database pool closed`,
    );
    for (const chain of this.chains.values()) this.fail(chain.queue.splice(0), late);
  }

  private chainOf(tenant: string): Chain {
    let chain = this.chains.get(tenant);
    if (!chain) {
      chain = { tenant, queue: [], stalled: false };
      this.chains.set(tenant, chain);
    }
    return chain;
  }

  private async drain(chain: Chain): Promise<void> {
    // Let the events of this tick join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (chain.queue.length > 0) {
      await this.flush(chain, chain.queue.splice(0, this.options.batchMax));
    }
    chain.flushing = undefined;
  }

  private async flush(chain: Chain, batch: Waiter[]): Promise<void> {
    const timer = setTimeout(() => {
      chain.stalled = true;
      const error = new AuditWriteError(`audit write took longer than ${this.options.writeTimeoutMs} ms`);
      // The batch may still commit (its outcome settles it); the events queued behind it will not.
      for (const waiter of batch) waiter.reject(error);
      this.fail(chain.queue.splice(0), error);
    }, this.options.writeTimeoutMs);
    try {
      const linked = await this.write(
        chain,
        batch.map((waiter) => waiter.event),
      );
      try {
        await this.options.committed(chain.tenant, linked);
      } catch {
        // The mirror reports its own failures; the events are committed either way.
      }
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      this.fail(batch, error);
    } finally {
      clearTimeout(timer);
      chain.stalled = false;
    }
  }

  /** Fails an event it will not queue; while closing, it also goes to `unwritten`. */
  private refuse(event: PendingAuditEvent, reason: string): Promise<void> {
    const error = new AuditWriteError(reason);
    if (this.closing) this.keep([event], error);
    return Promise.reject(error);
  }

  /** Rejects the waiters; while closing, their events also go to `unwritten`. */
  private fail(waiters: Waiter[], error: unknown): void {
    for (const waiter of waiters) waiter.reject(error);
    if (this.closing && waiters.length > 0)
      this.keep(
        waiters.map((waiter) => waiter.event),
        error,
      );
  }

  private keep(events: PendingAuditEvent[], error: unknown): void {
    try {
      this.options.unwritten?.(events, error instanceof Error ? error.message : String(error));
    } catch {
      // `unwritten` reports its own failures
    }
  }

  private async write(chain: Chain, events: PendingAuditEvent[]): Promise<LinkedEvent[]> {
    const session = await this.options.connect();
    let broken: Error | undefined;
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const linked = await appendToChain(session, chain.tenant, events, chain.head, this.timeouts);
          chain.head = linked.length > 0 ? { ...headOf(linked) } : chain.head;
          return linked;
        } catch (error) {
          chain.head = undefined; // unknown after any failure: read it under the lock next time
          if (!isUniqueViolation(error) || attempt >= ATTEMPTS) throw error;
        }
      }
    } catch (error) {
      // A database error (it has a SQLSTATE) leaves the connection usable; anything else may not.
      if (!(error as { code?: unknown }).code)
        broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      session.release(broken);
    }
  }
}

function headOf(linked: LinkedEvent[]): ChainHead {
  const last = linked[linked.length - 1];
  return { seq: last.seq, hash: last.hash };
}
