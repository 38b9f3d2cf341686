import { type ValidationError } from 'class-validator';

import { MAX_REPORTED_VIOLATIONS, RequestValidationException } from '../errors/common.exception';
import { type ProblemViolation } from '../errors/problem.types';
import { escapePointerSegment } from '../json/json-pointer.util';

/**
 * The violations in class-validator's error tree, depth first, with RFC 6901 pointers (`~0`, `~1`). Stops
 * one past `limit`: enough for the exception to tell that the list was cut.
 */
export function violationsOf(errors: ValidationError[], limit = MAX_REPORTED_VIOLATIONS): ProblemViolation[] {
  const found: ProblemViolation[] = [];
  const pending = errors.map((error) => ({ error, parent: '' })).reverse();
  while (pending.length > 0 && found.length <= limit) {
    const { error, parent } = pending.pop()!;
    const pointer = `${parent}/${escapePointerSegment(error.property)}`;
    for (const detail of Object.values(error.constraints ?? {})) found.push({ pointer, detail });
    const children = error.children ?? [];
    for (let i = children.length - 1; i >= 0; i -= 1) pending.push({ error: children[i], parent: pointer });
  }
  return found;
}

/** ValidationPipe `exceptionFactory`: a 422 problem listing the violations with their JSON pointers. */
export function validationExceptionFactory(errors: ValidationError[]): RequestValidationException {
  return new RequestValidationException(violationsOf(errors));
}
