import { waitUntil } from './wait-until.util';

describe('waitUntil', () => {
  it('resolves true once the check holds, sync or async', async () => {
    let calls = 0;
    expect(await waitUntil(() => ++calls === 3, 1_000, 1)).toBe(true);
    expect(calls).toBe(3);
    expect(await waitUntil(async () => true)).toBe(true);
  });

  it('resolves false after the timeout when the check never holds', async () => {
    const started = Date.now();
    expect(await waitUntil(() => false, 50, 5)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
