import { JsonTooDeepError, MAX_JSON_BODY_DEPTH, nestsDeeperThan } from './json-depth.util';

const deep = (levels: number) => Buffer.from(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, up to the bound and one past it', () => {
    expect(nestsDeeperThan(deep(3), 3)).toBe(false);
    expect(nestsDeeperThan(deep(4), 3)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('{"a":{"b":[{"c":1}]}}'), 3)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('{"a":{"b":[{"c":1}]}}'), 4)).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ s: '[[[[{{{{' })), 1)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ s: 'a\\"[[[[\\\\' })), 1)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ s: '"', t: [[[1]]] })), 3)).toBe(true);
  });

  it('finds a megabyte of brackets in milliseconds, where parsing takes hundreds', () => {
    const body = deep(524_000);
    const started = performance.now();
    expect(nestsDeeperThan(body, MAX_JSON_BODY_DEPTH)).toBe(true);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ s: 'x'.repeat(1_000_000) })), 3)).toBe(false);
    // Generous for a loaded machine; the scan stops at level 301 and a flat megabyte takes a few ms.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reports a 400 a problem mapper recognises', () => {
    expect(new JsonTooDeepError(300)).toMatchObject({ statusCode: 400, code: 'TG_ERR_JSON_TOO_DEEP' });
  });
});
