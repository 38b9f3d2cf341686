import { depthViolation, MAX_ARGUMENT_DEPTH, tooDeepPointer } from './json-depth.util';

const nestedArrays = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('tooDeepPointer', () => {
  it('counts the top-level container as level 1 and scalars as no level', () => {
    expect(tooDeepPointer('text', 0)).toBeUndefined();
    expect(tooDeepPointer({}, 1)).toBeUndefined();
    expect(tooDeepPointer({ a: [] }, 1)).toBe('/a');
    expect(tooDeepPointer({ a: [1, 'x', null] }, 2)).toBeUndefined();
  });

  it('answers the pointer of the first container past the limit, escaped', () => {
    const value = { ok: [[1]], 'a/b': { '~c': [[{}]] } };
    expect(tooDeepPointer(value, 4, '/args')).toBe('/args/a~1b/~0c/0/0');
    expect(tooDeepPointer(value, 5)).toBeUndefined();
  });

  it('walks 200,000 levels without recursion', () => {
    expect(tooDeepPointer(nestedArrays(200_000), MAX_ARGUMENT_DEPTH)).toBe('/0'.repeat(MAX_ARGUMENT_DEPTH));
    expect(tooDeepPointer(nestedArrays(MAX_ARGUMENT_DEPTH), MAX_ARGUMENT_DEPTH)).toBeUndefined();
  });
});

describe('depthViolation', () => {
  it('names the limit', () => {
    expect(depthViolation({ a: { b: {} } }, 2)).toEqual({
      pointer: '/a/b',
      detail: 'nests deeper than 2 levels of objects and arrays',
    });
    expect(depthViolation({ a: { b: {} } }, 3)).toBeUndefined();
  });
});
