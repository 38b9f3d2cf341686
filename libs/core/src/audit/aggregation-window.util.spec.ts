import { AggregationWindow } from './aggregation-window.util';

interface Refusal {
  tenant: string;
  bucket: string;
}

const OVERFLOW: Refusal = { tenant: '*', bucket: '*' };

describe('AggregationWindow', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = () => now;

  it('admits the first occurrence of a key, counts the others, and starts afresh on drain', () => {
    const window = new AggregationWindow(OVERFLOW, 10, clock);
    expect(window.admit({ tenant: 'acme', bucket: 'api' })).toBe(true);
    for (let i = 0; i < 9_999; i += 1) {
      now += 1;
      expect(window.admit({ tenant: 'acme', bucket: 'api' })).toBe(false);
    }
    expect(window.drain()).toEqual([
      {
        tenant: 'acme',
        bucket: 'api',
        count: 9_999,
        first_at: '2026-01-01T00:00:00.001Z',
        last_at: '2026-01-01T00:00:09.999Z',
      },
    ]);
    expect(window.size).toBe(0);
    expect(window.admit({ tenant: 'acme', bucket: 'api' })).toBe(true);
  });

  it('keys by the fields of the overflow key only, whatever else the caller passes', () => {
    const window = new AggregationWindow(OVERFLOW, 10, clock);
    const extra = { tenant: 'acme', bucket: 'api', note: 'x' } as Refusal;
    expect(window.admit(extra)).toBe(true);
    expect(window.admit({ bucket: 'api', tenant: 'acme' })).toBe(false);
    expect(window.admit({ tenant: 'acme', bucket: 'tools' })).toBe(true);
    expect(window.drain()).toEqual([expect.not.objectContaining({ note: 'x' })]);
  });

  it('shares the overflow key beyond maxKeys: memory and drained counts stay bounded', () => {
    const window = new AggregationWindow(OVERFLOW, 3, clock);
    const admitted = Array.from({ length: 100 }, (_, i) => window.admit({ tenant: `t${i}`, bucket: 'api' }));
    expect(admitted.filter(Boolean)).toHaveLength(4);
    expect(window.size).toBe(4);
    expect(window.drain()).toEqual([expect.objectContaining({ tenant: '*', bucket: '*', count: 96 })]);
  });
});
