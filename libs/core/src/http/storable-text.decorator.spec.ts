import { validateSync } from 'class-validator';

import { IsStorableText } from './storable-text.decorator';

class Body {
  @IsStorableText()
  reason?: unknown;

  @IsStorableText({ each: true })
  tags?: unknown;
}

const check = (values: Partial<Body>) =>
  validateSync(Object.assign(new Body(), values)).flatMap((error) => Object.values(error.constraints ?? {}));

describe('@IsStorableText', () => {
  it('refuses a NUL or a lone surrogate, naming the property', () => {
    expect(check({ reason: 'ok\u0000' })).toEqual([
      'reason must not contain a NUL character or an unpaired UTF-16 surrogate',
    ]);
    expect(check({ reason: 'x\ud800' })).toHaveLength(1);
    expect(check({ tags: ['a', 'b\u0000'] })).toHaveLength(1);
  });

  it('accepts any other text, pairs included, and leaves non-strings to other rules', () => {
    expect(check({ reason: 'Budget checked 😀', tags: ['a'] })).toEqual([]);
    expect(check({ reason: 42 })).toEqual([]);
  });
});
