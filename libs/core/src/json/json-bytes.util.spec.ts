import { jsonBytesWithin } from './json-bytes.util';

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('jsonBytesWithin', () => {
  it('counts the bytes JSON.stringify writes', () => {
    const values: unknown[] = [
      {},
      [],
      { a: 1 },
      { a: undefined, b: () => 1, c: 'x' },
      { only: undefined },
      [undefined, 1, 'é€😀'],
      { nested: { deeper: [{}, [], { k: null, t: true, f: false }] }, n: -1.5e-7 },
      { at: new Date(0), 'key "quoted"': '\n\t' },
    ];
    for (const value of values)
      expect([value, jsonBytesWithin(value, 10_000)]).toEqual([value, bytesOf(value)]);
    expect(jsonBytesWithin({ a: 'x'.repeat(100) }, 50)).toBeUndefined();
  });

  it('stops at the limit inside a huge object instead of listing all its members first', () => {
    let reads = 0;
    const huge: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i += 1) {
      Object.defineProperty(huge, `k${i}`, {
        enumerable: true,
        get: () => {
          reads += 1;
          return 0;
        },
      });
    }
    expect(jsonBytesWithin({ inputs: huge }, 1_000)).toBeUndefined();
    // Each member takes at least 5 bytes: about 200 fit in the limit, not 100,000.
    expect(reads).toBeLessThan(300);
  });
});
