import { FixedWindowStorage, SWEEP_INTERVAL_MS } from './fixed-window.storage';

describe('FixedWindowStorage', () => {
  let now: number;
  let storage: FixedWindowStorage;

  beforeEach(() => {
    now = 1_000_000;
    storage = new FixedWindowStorage(() => now);
  });

  afterEach(() => storage.clear());

  const hit = (key = 'k', ttl = 2_000, limit = 3, block = 2_000) =>
    storage.increment(key, ttl, limit, block, 'default');

  it('counts hits in a window and reports the seconds until it ends', async () => {
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 2, isBlocked: false, timeToBlockExpire: 0 });
    now += 1_500;
    expect(await hit()).toMatchObject({ totalHits: 2, timeToExpire: 1, isBlocked: false });
  });

  it('blocks the hit past the limit for the block duration and does not count blocked hits', async () => {
    for (let i = 0; i < 3; i += 1) expect((await hit()).isBlocked).toBe(false);
    expect(await hit()).toEqual({ totalHits: 4, timeToExpire: 2, isBlocked: true, timeToBlockExpire: 2 });
    now += 1_000;
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 1 });
    now += 1_000;
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('blocks for the rest of the window when the block duration is 0', async () => {
    for (let i = 0; i < 3; i += 1) await hit('k', 5_000, 3, 0);
    now += 1_000;
    expect(await hit('k', 5_000, 3, 0)).toMatchObject({ isBlocked: true, timeToBlockExpire: 4 });
    now += 4_000;
    expect(await hit('k', 5_000, 3, 0)).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('starts a new window once the old one is over', async () => {
    await hit();
    await hit();
    now += 2_000;
    expect(await hit()).toMatchObject({ totalHits: 1, timeToExpire: 2 });
  });

  it('keeps keys and throttler names apart', async () => {
    await hit('a');
    await hit('a');
    expect((await hit('b')).totalHits).toBe(1);
    expect((await storage.increment('a', 2_000, 3, 2_000, 'other')).totalHits).toBe(1);
  });

  it('costs the same at any count: 100,000 hits in one window stay one record', async () => {
    for (let i = 0; i < 100_000; i += 1) storage.hit('big', 10_000, 1_000_000, 10_000);
    expect(storage.hit('big', 10_000, 1_000_000, 10_000).totalHits).toBe(100_001);
    expect(storage.size).toBe(1);
  });

  it('sweeps keys whose window and block are over, and keeps the others', async () => {
    jest.useFakeTimers({ now });
    try {
      const timed = new FixedWindowStorage();
      await timed.increment('idle', 1_000, 3, 1_000, 'default');
      for (let i = 0; i < 4; i += 1) await timed.increment('blocked', 1_000, 3, 120_000, 'default');
      jest.advanceTimersByTime(SWEEP_INTERVAL_MS);
      expect(timed.size).toBe(1);
      timed.clear();
    } finally {
      jest.useRealTimers();
    }
  });
});
