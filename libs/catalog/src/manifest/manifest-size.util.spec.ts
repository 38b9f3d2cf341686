import { jsonBytesWithin } from '@toolgate/core';
import { makeManifest } from '@toolgate/testing';

import { MAX_MANIFEST_BYTES, MAX_SCHEMA_BYTES, manifestSizeProblems } from './manifest-size.util';

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/** A schema of exactly `bytes` bytes as JSON. */
const schemaOf = (bytes: number) => ({ description: 'x'.repeat(bytes - '{"description":""}'.length) });

/** `levels` levels of ten references to the level below, over one string of `width` characters. */
function amplified(levels: number, width: number): Record<string, unknown> {
  let node: Record<string, unknown> = { type: 'string', description: 'x'.repeat(width) };
  for (let level = 0; level < levels; level += 1) {
    const below = node;
    const properties = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, below]));
    node = { type: 'object', properties };
  }
  return node;
}

// The shared counter (libs/core) on the values the catalog measures.
describe('jsonBytesWithin', () => {
  it('counts the bytes JSON.stringify writes in UTF-8', () => {
    const values: unknown[] = [
      { a: [1, -0, 1e21, 0.5, Infinity, null, true, false], b: 'é€😀\u0000"\\\n', ключ: {} },
      [undefined, () => 1, Symbol('s'), [], [[]], ''],
      { skipped: undefined, fn: () => 1, kept: 'v', when: new Date(0) },
      '\ud800 lone surrogate',
      42,
    ];
    for (const value of values) expect(jsonBytesWithin(value, 10_000)).toBe(bytesOf(value));
  });

  it('answers undefined past the limit, the limit itself included', () => {
    const schema = schemaOf(1_000);
    expect(jsonBytesWithin(schema, 1_000)).toBe(1_000);
    expect(jsonBytesWithin(schema, 999)).toBeUndefined();
    expect(jsonBytesWithin({ list: new Array(2_000).fill(0) }, 1_000)).toBeUndefined();
  });

  it('stops at the limit on a value of shared parts standing for gigabytes, and on a cycle', () => {
    const huge = amplified(6, 100_000); // 10^6 copies of a 100 kB string: 100 GB of JSON
    const started = Date.now();
    expect(jsonBytesWithin(huge, MAX_SCHEMA_BYTES)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    const cycle: Record<string, unknown> = { type: 'object' };
    cycle.self = cycle;
    expect(jsonBytesWithin(cycle, MAX_SCHEMA_BYTES)).toBeUndefined();
  });
});

describe('manifestSizeProblems', () => {
  it('accepts schemas up to 256 KiB each and refuses one byte more, with a pointer and the limit', () => {
    expect(MAX_SCHEMA_BYTES).toBe(262_144);
    const full = makeManifest({ inputs: schemaOf(MAX_SCHEMA_BYTES), outputs: schemaOf(MAX_SCHEMA_BYTES) });
    expect(manifestSizeProblems(full)).toEqual([]);
    const over = makeManifest({ toolId: 'test:big', outputs: schemaOf(MAX_SCHEMA_BYTES + 1) });
    expect(manifestSizeProblems(over)).toEqual([
      {
        pointer: '/outputs',
        detail: 'must be at most 262,144 bytes (256 KiB) as JSON; the output schema of test:big is larger',
      },
    ]);
  });

  it('caps the whole manifest (members no schema cap covers) at 640 KiB', () => {
    const description = 'x'.repeat(MAX_MANIFEST_BYTES);
    expect(manifestSizeProblems(makeManifest({ toolId: 'test:wordy', description }))).toEqual([
      {
        pointer: '',
        detail: 'a manifest must be at most 655,360 bytes (640 KiB) as JSON; test:wordy is larger',
      },
    ]);
  });
});
