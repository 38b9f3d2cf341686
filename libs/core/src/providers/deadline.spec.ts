import { createDeadline } from './invocation-context.types';

describe('createDeadline', () => {
  afterEach(() => jest.useRealTimers());

  it('aborts its signal with a TimeoutError at the deadline', () => {
    jest.useFakeTimers({ now: 10_000 });
    const deadline = createDeadline(500);
    expect(deadline.at).toBe(10_500);
    jest.advanceTimersByTime(499);
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('stops its timer once disposed', () => {
    jest.useFakeTimers();
    const deadline = createDeadline(500);
    deadline.dispose();
    jest.advanceTimersByTime(1_000);
    expect(deadline.signal.aborted).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });
});
