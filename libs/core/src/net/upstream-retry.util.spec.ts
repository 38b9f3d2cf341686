import { MAX_RETRY_AFTER_MS, retryAfterMs } from './upstream-retry.util';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');

  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs(['3', '9'], now)).toBe(3_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('takes an absurd wait as a day at most, so what reaches agents stays a plain integer', () => {
    expect(retryAfterMs('99999999999999999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(String(Math.ceil(retryAfterMs('1' + '0'.repeat(30), now)! / 1000))).toBe('86400');
  });
});
