import { argumentsViolation, depthViolation, MAX_ARGUMENT_DEPTH, tooDeepPointer } from './json-depth.util';

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

describe('argumentsViolation', () => {
  it('refuses numbers out of JSON range where they are, and nesting past the limit', () => {
    expect(argumentsViolation({ a: [1, 'x', null, -0, 1e308] }, 4)).toBeUndefined();
    expect(argumentsViolation(JSON.parse('{"a":{"b/c":[0,1e400]}}'), 4)).toEqual({
      pointer: '/a/b~1c/1',
      detail: 'is a number too large for JSON (not finite)',
    });
    expect(argumentsViolation({ n: Number.NaN }, 4)?.pointer).toBe('/n');
    expect(argumentsViolation(-Infinity, 4)?.pointer).toBe('');
    expect(argumentsViolation({ a: [[[]]] }, 3)).toEqual({
      pointer: '/a/0/0',
      detail: 'nests deeper than 3 levels of objects and arrays',
    });
  });
});
