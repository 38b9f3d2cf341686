import { hasUnstorableText, storableKeys, storableText, uniqueName } from './storable-json.util';

describe('storable text and names (Postgres jsonb)', () => {
  it('replaces NUL and lone surrogates, keeps surrogate pairs', () => {
    expect(hasUnstorableText('a\u0000b')).toBe(true);
    expect(hasUnstorableText('a\ud800')).toBe(true);
    expect(hasUnstorableText('\udc00a')).toBe(true);
    expect(hasUnstorableText('a😀b')).toBe(false);
    expect(storableText('a\u0000b\ud800c\udc00😀')).toBe('a\ufffdb\ufffdc\ufffd😀');
  });

  it('cuts to a length with a suffix, never between the halves of a surrogate pair', () => {
    expect(storableText('abcdef', 4)).toBe('abcd…[2 more]');
    const cut = storableText(`${'a'.repeat(3)}😀z`, 4);
    expect(cut).toBe('aaa…[3 more]');
    expect(hasUnstorableText(cut)).toBe(false);
  });

  it('gives every member a distinct storable name, sorted, whatever order the keys came in', () => {
    const keys = ['a\u0001', 'a\u0000', 'z', 'a\ufffd'];
    const named = storableKeys(keys);
    expect(named).toEqual([
      ['a\u0001', 'a\u0001'],
      ['a\ufffd', 'a\ufffd'],
      ['a\ufffd#2', 'a\u0000'],
      ['z', 'z'],
    ]);
    expect(storableKeys([...keys].reverse())).toEqual(named);
    const long = 'k'.repeat(10);
    // Sorted after rewriting: `…aa` sorts before `…b`, but its name sorts after.
    expect(storableKeys([`${long}b`, `${long}aa`], 10)).toEqual([
      [`${long}…[1 more]`, `${long}b`],
      [`${long}…[2 more]`, `${long}aa`],
    ]);
    expect(storableKeys([`${long}b`, `${long}a`], 10)).toEqual([
      [`${long}…[1 more]`, `${long}a`],
      [`${long}…[1 more]#2`, `${long}b`],
    ]);
  });

  it('suffixes past names already taken', () => {
    const taken = new Set(['x', 'x#2']);
    expect(uniqueName('x', taken)).toBe('x#3');
    expect(uniqueName('y', taken)).toBe('y');
  });
});
