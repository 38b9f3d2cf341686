import { canonicalJson, sha256Hex } from './canonical-json.util';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('drops what JSON drops in objects and writes null for it in arrays and at the top', () => {
    const fn = () => 1;
    expect(canonicalJson({ u: undefined, f: fn, s: Symbol('s'), n: NaN, i: -Infinity, z: -0 })).toBe(
      '{"i":null,"n":null,"z":0}',
    );
    expect(canonicalJson([undefined, fn, 'é\u2028'])).toBe('[null,null,"é\u2028"]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('x')).toBe('"x"');
  });

  it('keeps the established order: array-index names first, numerically, then the others sorted', () => {
    // The order a plain object rebuilt from sorted entries enumerates in; stored hashes depend on it.
    expect(canonicalJson({ b: 1, 10: 2, 9: 3, '01': 4, 4294967295: 5, 4294967294: 6, a: 7 })).toBe(
      '{"9":3,"10":2,"4294967294":6,"01":4,"4294967295":5,"a":7,"b":1}',
    );
  });

  it('equals the text the recursive form produced, so existing hashes still match', () => {
    const value = { query: 'x', filters: { tags: ['a'], '2': true, since: new Date(0) }, n: [1, { y: 2 }] };
    expect(sha256Hex(canonicalJson(value))).toBe(
      sha256Hex('{"filters":{"2":true,"since":{},"tags":["a"]},"n":[1,{"y":2}],"query":"x"}'),
    );
  });

  it('writes 20,000 levels of nesting without overflowing the stack', () => {
    const depth = 20_000;
    const text = `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});
