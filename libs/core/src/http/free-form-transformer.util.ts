import { type Type, type ValidationPipeOptions } from '@nestjs/common';
import { type ClassTransformOptions, instanceToPlain, plainToInstance } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';

type TransformerPackage = NonNullable<ValidationPipeOptions['transformerPackage']>;
type Metatype = abstract new (...args: never[]) => unknown;

/** A JSON object: not an array, a class instance or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const PROBE = '\u0000probe';

/** Whether class-transformer copies `property` as plain data: no `@Type`, `@Transform`, `@Expose` or `@Exclude`. */
function copiedAsIs(metatype: Metatype, property: string): boolean {
  const marker = { [PROBE]: true };
  const instance = plainToInstance(metatype as Type<unknown>, { [property]: marker }) as Record<
    string,
    unknown
  >;
  const copy = instance[property];
  return isPlainObject(copy) && copy !== marker && Object.keys(copy).length === 1 && copy[PROBE] === true;
}

const freeForm = new WeakMap<Metatype, readonly string[]>();

/**
 * The validated properties of a DTO class that class-transformer would only deep-copy (a JSON Schema, an
 * OpenAPI document, variables): it builds nothing from them, and copying costs microseconds per member and
 * the square of an object's member count (its key de-duplication), seconds for a megabyte of keys.
 */
export function freeFormProperties(metatype: Metatype): readonly string[] {
  let properties = freeForm.get(metatype);
  if (!properties) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(metatype, '', false, false);
    const names = [...new Set(metadata.map((entry) => entry.propertyName))];
    properties = names.filter((name) => copiedAsIs(metatype, name));
    freeForm.set(metatype, properties);
  }
  return properties;
}

/** The free-form objects left out of a body's stand-in, by the stand-in. */
const detached = new WeakMap<object, [string, Record<string, unknown>][]>();

/**
 * What to validate instead of `body`: a shallow copy with empty objects in place of the free-form ones, so
 * neither Nest's walks of the body (prototype keys, array gaps) nor class-transformer visit them;
 * `freeFormTransformer` puts the originals on the instance before class-validator sees it. `body` itself is
 * left as it is (the body itself when it has no free-form object). The originals are handed over as Fastify
 * parsed them: its parser refuses `__proto__` and `constructor.prototype`.
 */
export function withoutFreeForm(
  body: Record<string, unknown>,
  properties: readonly string[],
): Record<string, unknown> {
  const kept: [string, Record<string, unknown>][] = [];
  for (const property of properties) {
    const value = body[property];
    if (isPlainObject(value)) kept.push([property, value]);
  }
  if (kept.length === 0) return body;
  const standIn = { ...body };
  for (const [property] of kept) standIn[property] = {};
  detached.set(standIn, kept);
  return standIn;
}

function plainToInstanceWithFreeForm<T>(
  metatype: Type<T>,
  plain: unknown,
  options?: ClassTransformOptions,
): T | T[] {
  const instance = plainToInstance(metatype, plain, options);
  const kept = typeof plain === 'object' && plain !== null ? detached.get(plain) : undefined;
  if (kept && typeof instance === 'object' && instance !== null && !Array.isArray(instance)) {
    for (const [property, value] of kept) (instance as Record<string, unknown>)[property] = value;
  }
  return instance;
}

/**
 * Whether `instance` carries the originals `withoutFreeForm` detached from `standIn` (true when none were).
 * False when another class-transformer built it: the stand-ins' empty objects were validated instead.
 */
export function freeFormRestored(standIn: object, instance: unknown): boolean {
  const kept = detached.get(standIn);
  if (!kept) return true;
  if (typeof instance !== 'object' || instance === null) return false;
  return kept.every(([property, value]) => (instance as Record<string, unknown>)[property] === value);
}

/** The class-transformer of the global validation pipe (`transformerPackage`): puts detached objects back. */
export const freeFormTransformer: TransformerPackage = {
  plainToInstance: plainToInstanceWithFreeForm,
  classToPlain: (object, options) => instanceToPlain(object, options),
};
