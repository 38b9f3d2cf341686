import { IsObject } from 'class-validator';

import { RequestValidationException } from '../errors/common.exception';
import { BoundedValidationPipe, MAX_BODY_DEPTH } from './bounded-validation.pipe';

class Body {
  @IsObject()
  inputs: Record<string, unknown>;
}

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i += 1) value = { a: value };
  return value;
}

const BODY = { type: 'body' as const, metatype: Body };

describe('BoundedValidationPipe', () => {
  const pipe = new BoundedValidationPipe();

  it('refuses a DTO body nested deeper than the bound with a 422 naming where', async () => {
    const error = await pipe.transform({ inputs: nested(20_000) }, BODY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationException);
    const [violation] = (error as RequestValidationException).errors ?? [];
    expect(violation.pointer.startsWith('/inputs/a/a')).toBe(true);
    expect(violation.detail).toMatch(/deeper than 256/);
  });

  it('validates and transforms bodies within the bound as before', async () => {
    const ok = await pipe.transform({ inputs: nested(MAX_BODY_DEPTH - 1) }, BODY);
    expect(ok).toBeInstanceOf(Body);
    await expect(pipe.transform({ inputs: 'x' }, BODY)).rejects.toBeInstanceOf(RequestValidationException);
    await expect(pipe.transform({ inputs: {}, extra: 1 }, BODY)).rejects.toBeInstanceOf(
      RequestValidationException,
    );
  });

  it('leaves bodies that are not bound to a class alone (tool arguments have their own bound)', async () => {
    const deep = nested(5_000);
    expect(await pipe.transform(deep, { type: 'body', metatype: Object })).toBe(deep);
  });
});
