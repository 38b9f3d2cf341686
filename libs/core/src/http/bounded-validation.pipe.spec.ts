import { ParseArrayPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

import { MAX_REPORTED_VIOLATIONS, RequestValidationException } from '../errors/common.exception';
import { MAX_BODY_NODES } from './body-nodes.util';
import { BoundedValidationPipe, FreeFormLostError, MAX_BODY_DEPTH } from './bounded-validation.pipe';

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

/** Sees the free-form object itself: a schema's `type` must be "object". */
@ValidatorConstraint({ name: 'objectSchema' })
class ObjectSchema implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (value as { type?: unknown } | undefined)?.type === 'object';
  }

  defaultMessage(): string {
    return 'schema must have type "object"';
  }
}

class Manifest {
  @IsString()
  name: string;

  @IsObject()
  @Validate(ObjectSchema)
  schema: Record<string, unknown>;

  @IsOptional()
  @ValidateNested()
  @Type(() => Item)
  item?: Item;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  tags?: string[];
}

const MANIFEST = { type: 'body' as const, metatype: Manifest };

/** An object with `count` members. */
function wide(count: number, value: () => unknown = () => 0): Record<string, unknown> {
  const members: Record<string, unknown> = {};
  for (let i = 0; i < count; i += 1) members[i.toString(36)] = value();
  return members;
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

  it('hands a free-form object to the DTO as it is (not copied member by member), still validated', async () => {
    const schema = { type: 'object', properties: wide(120_000, () => ({ type: 'string' })) };
    const body = { name: 'a', schema, item: { n: 1 } };
    const started = performance.now();
    const dto = (await pipe.transform(body, MANIFEST)) as Manifest;
    // Copied by class-transformer, these 120,000 members took about 12 seconds (quadratic key handling).
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(dto).toBeInstanceOf(Manifest);
    expect(dto.schema).toBe(schema);
    expect(dto.item).toBeInstanceOf(Item);
    expect(body.schema).toBe(schema); // the request's body is left as it came
    const refused = (await pipe
      .transform({ name: 'a', schema: { type: 'array' } }, MANIFEST)
      .catch((e: unknown) => e)) as RequestValidationException;
    expect(refused.errors).toEqual([{ pointer: '/schema', detail: 'schema must have type "object"' }]);
    const notObject = (await pipe
      .transform({ name: 'a', schema: [1] }, MANIFEST)
      .catch((e: unknown) => e)) as RequestValidationException;
    expect(notObject.errors?.map((error) => error.pointer)).toContain('/schema');
  });

  it('refuses, rather than stores empty objects, when another pipe replaced the class-transformer', async () => {
    // Nest keeps one class-transformer for all its validation pipes: a ParseArrayPipe built later sets its own.
    new ParseArrayPipe();
    const inputs = { type: 'object' };
    await expect(pipe.transform({ inputs }, BODY)).rejects.toBeInstanceOf(FreeFormLostError);
    new BoundedValidationPipe(); // puts the pipe's own back
    expect(((await pipe.transform({ inputs }, BODY)) as Body).inputs).toBe(inputs);
  });

  it('refuses more members and items than the bound outside free-form objects, before walking them', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'a', schema: { type: 'object' }, item: { n: 1, ...wide(120_000) } }, '/item'],
      [{ name: 'a', schema: { type: 'object' }, tags: Array.from({ length: 500_000 }, () => 'x') }, '/tags'],
    ];
    for (const [body, pointer] of cases) {
      const started = performance.now();
      const error = (await pipe
        .transform(body, MANIFEST)
        .catch((e: unknown) => e)) as RequestValidationException;
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(error).toBeInstanceOf(RequestValidationException);
      expect(error.errors).toEqual([
        { pointer, detail: expect.stringContaining(`past ${MAX_BODY_NODES} members`) },
      ]);
    }
    const withinTheBound = {
      name: 'a',
      schema: { type: 'object', ...wide(10_000) },
      tags: Array.from({ length: 50 }, () => 'x'),
    };
    await expect(pipe.transform(withinTheBound, MANIFEST)).resolves.toBeInstanceOf(Manifest);
  });

  it('leaves bodies that are not bound to a class alone (tool arguments have their own bound)', async () => {
    const deep = nested(5_000);
    expect(await pipe.transform(deep, { type: 'body', metatype: Object })).toBe(deep);
  });
});
