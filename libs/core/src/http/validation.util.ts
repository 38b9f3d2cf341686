import { type ValidationError } from 'class-validator';

import { RequestValidationException } from '../errors/common.exception';
import { type ProblemViolation } from '../errors/problem.types';

function flatten(errors: ValidationError[], parent = ''): ProblemViolation[] {
  return errors.flatMap((error) => {
    const pointer = `${parent}/${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((detail) => ({ pointer, detail }));
    return [...own, ...flatten(error.children ?? [], pointer)];
  });
}

/** ValidationPipe `exceptionFactory`: a 422 problem listing each violation with its JSON pointer. */
export function validationExceptionFactory(errors: ValidationError[]): RequestValidationException {
  return new RequestValidationException(flatten(errors));
}
