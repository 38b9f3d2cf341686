import { type ArgumentMetadata, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

import { MAX_REPORTED_VIOLATIONS, RequestValidationException } from '../errors/common.exception';
import { type ProblemViolation } from '../errors/problem.types';
import { depthViolation } from '../json/json-depth.util';
import { escapePointerSegment } from '../json/json-pointer.util';
import { bodyNodesViolation, MAX_BODY_NODES } from './body-nodes.util';
import {
  freeFormProperties,
  freeFormRestored,
  freeFormTransformer,
  isPlainObject,
  withoutFreeForm,
} from './free-form-transformer.util';
import { validationExceptionFactory } from './validation.util';

/**
 * Levels of objects and arrays a body bound to a DTO may nest. Above every legitimate shape (a manifest's
 * schema may nest `MAX_SCHEMA_DEPTH` levels inside its body), far below what class-transformer's recursion
 * survives.
 */
export const MAX_BODY_DEPTH = 256;

/** A body validated by another class-transformer than the pipe's own: a fault of the app, answered 500. */
export class FreeFormLostError extends Error {
  constructor(dto: string) {
    super(
      `${dto}: a validation pipe other than BoundedValidationPipe replaced its class-transformer; ` +
        'free-form objects would have been lost (create no other ValidationPipe or ParseArrayPipe)',
    );
  }
}

/** The properties `whitelist` keeps on a DTO: those with validation metadata (inherited ones included). */
const validatedProperties = new WeakMap<object, ReadonlySet<string>>();

function propertiesOf(metatype: abstract new (...args: never[]) => unknown): ReadonlySet<string> {
  let properties = validatedProperties.get(metatype);
  if (!properties) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(metatype, '', false, false);
    properties = new Set(metadata.map((entry) => entry.propertyName));
    validatedProperties.set(metatype, properties);
  }
  return properties;
}

/**
 * The global `ValidationPipe` (whitelist, no unknown properties, transform, 422 problem per violation),
 * with three checks first, before class-transformer walks the body:
 * - nesting: class-transformer recurses into the body, so a deep one would overflow the stack and answer 500;
 * - a flood of unknown members: its time grows with the square of an object's member count (90,000 unknown
 *   keys took seconds of CPU), and they would only be refused one violation each. More than
 *   `MAX_REPORTED_VIOLATIONS` unknown members at the top level are refused at once;
 * - size: more than `MAX_BODY_NODES` members and array items in all, free-form objects aside.
 * Free-form objects (properties class-transformer would only copy: a manifest's schemas, an OpenAPI
 * document, variables) are left out of what Nest and class-transformer walk and handed to the DTO as
 * they are (`withoutFreeForm`): copied member by member, a megabyte of schema keys held the event loop
 * for 8 to 16 seconds. Bodies not bound to a class (tool arguments) are left to their own checks.
 */
export class BoundedValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions = {}) {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationExceptionFactory,
      // Nest keeps the packages of the ValidationPipe created last (module state): this is the app's only one.
      transformerPackage: freeFormTransformer,
      ...options,
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || !metadata.metatype || !this.toValidate(metadata)) {
      return super.transform(value, metadata);
    }
    // Cheapest first: the unknown members and the size stop early, the depth walks the whole body.
    if (this.validatorOptions.forbidNonWhitelisted) this.refuseUnknownFlood(value, metadata.metatype);
    const freeForm = isPlainObject(value) ? freeFormProperties(metadata.metatype) : [];
    const oversized = bodyNodesViolation(value, freeForm, MAX_BODY_NODES);
    if (oversized) throw new RequestValidationException([oversized]);
    const violation = depthViolation(value, MAX_BODY_DEPTH);
    if (violation) throw new RequestValidationException([violation]);
    if (!isPlainObject(value)) return super.transform(value, metadata);
    const standIn = withoutFreeForm(value, freeForm);
    const instance: unknown = await super.transform(standIn, metadata);
    // Nest keeps one class-transformer for every ValidationPipe (the last one built, or a ParseArrayPipe's):
    // if it is not `freeFormTransformer`, the empty stand-ins were validated and would be stored. Refuse.
    if (!freeFormRestored(standIn, instance)) throw new FreeFormLostError(metadata.metatype.name);
    return instance;
  }

  private refuseUnknownFlood(value: unknown, metatype: abstract new (...args: never[]) => unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const known = propertiesOf(metatype);
    const unknown: ProblemViolation[] = [];
    for (const key of Object.keys(value)) {
      if (known.has(key)) continue;
      unknown.push({ pointer: `/${escapePointerSegment(key)}`, detail: `property ${key} should not exist` });
      if (unknown.length > MAX_REPORTED_VIOLATIONS) throw new RequestValidationException(unknown);
    }
  }
}
