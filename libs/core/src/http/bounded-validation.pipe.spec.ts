import { Type } from 'class-transformer';
import { IsInt, IsObject, ValidateNested } from 'class-validator';

import { MAX_REPORTED_VIOLATIONS, RequestValidationException } from '../errors/common.exception';
import { BoundedValidationPipe, MAX_BODY_DEPTH } from './bounded-validation.pipe';

class Body {
  @IsObject()
  inputs: Record<string, unknown>;
}

class Item {
  @IsInt()
  n: number;
}

class Items {
  @ValidateNested({ each: true })
  @Type(() => Item)
  items: Item[];
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

  it('refuses a flood of unknown members at once, listing the first 100 and saying there were more', async () => {
    const flood: Record<string, unknown> = { inputs: {} };
    for (let i = 0; i < 90_000; i += 1) flood[`k${i}`] = 0;
    const started = performance.now();
    const error = (await pipe.transform(flood, BODY).catch((e: unknown) => e)) as RequestValidationException;
    // class-transformer alone spent seconds on this body (its key dedupe is quadratic).
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(RequestValidationException);
    expect(error.errors).toHaveLength(MAX_REPORTED_VIOLATIONS);
    expect(error.errors?.[0]).toEqual({ pointer: '/k0', detail: 'property k0 should not exist' });
    expect(error.extensions).toEqual({ errors_truncated: true });
  });

  it('caps the violations class-validator finds deeper in the body', async () => {
    const body = { items: Array.from({ length: 300 }, () => ({ n: 'x' })) };
    const error = (await pipe
      .transform(body, { type: 'body', metatype: Items })
      .catch((e: unknown) => e)) as RequestValidationException;
    expect(error.errors).toHaveLength(MAX_REPORTED_VIOLATIONS);
    expect(error.errors?.[0]).toEqual({ pointer: '/items/0/n', detail: 'n must be an integer number' });
    expect(error.extensions).toEqual({ errors_truncated: true });
    const few = (await pipe
      .transform({ items: [{ n: 'x' }] }, { type: 'body', metatype: Items })
      .catch((e: unknown) => e)) as RequestValidationException;
    expect(few.errors).toHaveLength(1);
    expect(few.extensions).toEqual({});
  });

  it('escapes member names in the pointers (RFC 6901: ~ as ~0, / as ~1)', async () => {
    const error = (await pipe
      .transform({ inputs: {}, 'a/b~c': 1 }, BODY)
      .catch((e: unknown) => e)) as RequestValidationException;
    expect(error.errors).toEqual([{ pointer: '/a~1b~0c', detail: 'property a/b~c should not exist' }]);
  });

  it('leaves bodies that are not bound to a class alone (tool arguments have their own bound)', async () => {
    const deep = nested(5_000);
    expect(await pipe.transform(deep, { type: 'body', metatype: Object })).toBe(deep);
  });
});
