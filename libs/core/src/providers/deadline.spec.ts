import { EventEmitter } from 'node:events';

import { createDeadline } from './deadline.util';

describe('createDeadline', () => {
  afterEach(() => jest.useRealTimers());

  it('expires at the deadline: aborted, a TimeoutError reason, one abort event', () => {
    jest.useFakeTimers({ now: 10_000 });
    const deadline = createDeadline(500);
    const heard = jest.fn();
    deadline.events.on('abort', heard);
    expect(deadline.at).toBe(10_500);
    jest.advanceTimersByTime(499);
    expect(deadline.aborted).toBe(false);
    expect(heard).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(deadline.aborted).toBe(true);
    expect((deadline.events.reason as DOMException).name).toBe('TimeoutError');
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('makes a real AbortSignal only when asked, and aborts it at the deadline', () => {
    jest.useFakeTimers();
    const deadline = createDeadline(500);
    const { signal } = deadline;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(deadline.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(500);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('hands out an already aborted signal when asked after the deadline', () => {
    jest.useFakeTimers();
    const deadline = createDeadline(10);
    jest.advanceTimersByTime(10);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe(deadline.events.reason);
  });

  it('calls onExpire listeners once, at once when already expired, and not once removed', () => {
    jest.useFakeTimers();
    const deadline = createDeadline(100);
    const kept = jest.fn();
    const removed = jest.fn();
    deadline.onExpire(kept);
    const remove = deadline.onExpire(removed);
    remove();
    expect(deadline.events.listenerCount('abort')).toBe(1);
    jest.advanceTimersByTime(100);
    expect(kept).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
    expect(deadline.events.listenerCount('abort')).toBe(0);
    const late = jest.fn();
    deadline.onExpire(late)();
    expect(late).toHaveBeenCalledTimes(1);
  });

  it("keeps undici's EventEmitter signal contract: on/once/removeListener, aborted and reason", () => {
    const deadline = createDeadline(1_000);
    try {
      expect(deadline.events).toBeInstanceOf(EventEmitter);
      expect(typeof deadline.events.on).toBe('function');
      expect('addEventListener' in deadline.events).toBe(false);
      expect(deadline.events.aborted).toBe(false);
      expect(deadline.events.reason).toBeUndefined();
    } finally {
      deadline.dispose();
    }
  });

  it('stops its timer once disposed', () => {
    jest.useFakeTimers();
    const deadline = createDeadline(500);
    deadline.dispose();
    jest.advanceTimersByTime(1_000);
    expect(deadline.aborted).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });
});
