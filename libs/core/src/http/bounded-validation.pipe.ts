import { type ArgumentMetadata, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';

import { RequestValidationException } from '../errors/common.exception';
import { depthViolation } from '../json/json-depth.util';
import { validationExceptionFactory } from './validation.util';

/**
 * Levels of objects and arrays a body bound to a DTO may nest. Above every legitimate shape (a manifest's
 * schema may nest `MAX_SCHEMA_DEPTH` levels inside its body), far below what class-transformer's recursion
 * survives.
 */
export const MAX_BODY_DEPTH = 256;

/**
 * The global `ValidationPipe` (whitelist, no unknown properties, transform, 422 problem per violation),
 * with the nesting of a DTO body checked first: class-transformer recurses into the body, so a deep one
 * would overflow the stack and answer 500. Bodies not bound to a class (tool arguments) are left to their
 * own checks.
 */
export class BoundedValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions = {}) {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationExceptionFactory,
      ...options,
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && this.toValidate(metadata)) {
      const violation = depthViolation(value, MAX_BODY_DEPTH);
      if (violation) throw new RequestValidationException([violation]);
    }
    return super.transform(value, metadata);
  }
}
