import { EventEmitter } from 'node:events';

import { type DeadlineEvents, type OwnedDeadline } from './invocation-context.types';

const NOTHING_TO_REMOVE = (): void => undefined;

function timeoutError(): DOMException {
  return new DOMException('The operation timed out.', 'TimeoutError');
}

function expire(deadline: Deadline): void {
  deadline.expire();
}

/**
 * One timer and one EventEmitter per call. The emitter is the deadline itself (`events`), so a call that
 * only passes it to undici allocates no `AbortController`: that pattern (a controller, a timer, and
 * listeners added to and removed from an `EventTarget`) cost about 4 µs per call and was the largest single
 * source of objects reaching the old generation under load (docs/performance.md).
 */
class Deadline extends EventEmitter implements OwnedDeadline, DeadlineEvents {
  aborted = false;
  reason: unknown = undefined;
  private controller?: AbortController;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly at: number,
    timeoutMs: number,
  ) {
    super();
    // Several requests of one call may listen at once (a provider's parallel reads): no leak warning.
    this.setMaxListeners(0);
    this.timer = setTimeout(expire, timeoutMs, this);
    this.timer.unref();
  }

  get events(): DeadlineEvents {
    return this;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  onExpire(listener: () => void): () => void {
    if (this.aborted) {
      listener();
      return NOTHING_TO_REMOVE;
    }
    this.once('abort', listener);
    return () => {
      this.removeListener('abort', listener);
    };
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  expire(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = timeoutError();
    this.controller?.abort(this.reason);
    this.emit('abort');
  }
}

/** A deadline `timeoutMs` from now; its owner calls `dispose()` once the call is over. */
export function createDeadline(timeoutMs: number, now: number = Date.now()): OwnedDeadline {
  return new Deadline(now + timeoutMs, timeoutMs);
}
