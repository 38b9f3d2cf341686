import { pointerOfText } from './text-pointer.util';

describe('pointerOfText', () => {
  it('points at a string value or member name equal to the text, escaping the pointer', () => {
    const value = { a: ['x', { 'b/~c': 'needle' }], needle: 1 };
    expect(pointerOfText(value, 'needle')).toBe('/needle');
    expect(pointerOfText({ a: ['x', { 'b/~c': 'needle' }] }, 'needle')).toBe('/a/1/b~1~0c');
    expect(pointerOfText({ list: ['x', 'y'] }, 'y')).toBe('/list/1');
    expect(pointerOfText('needle', 'needle')).toBe('');
  });

  it('ignores array indexes and answers undefined when the text is absent', () => {
    expect(pointerOfText(['a', 'b'], '1')).toBeUndefined();
    expect(pointerOfText({ n: 1, t: true, z: null }, 'absent')).toBeUndefined();
  });
});
