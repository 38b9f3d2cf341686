export { DomainException, type DomainExceptionOptions } from './errors/domain.exception';
export {
  ConflictException,
  RequestValidationException,
  ResourceNotFoundException,
} from './errors/common.exception';
export { mapToProblem, type MappedProblem } from './errors/problem.mapper';
export { ProblemDetailsFilter } from './errors/problem-details.filter';
export {
  PROBLEM_CONTENT_TYPE,
  problemType,
  type ProblemDetails,
  type ProblemViolation,
} from './errors/problem.types';
export { generateRequestId, REQUEST_ID_HEADER } from './http/request-id.util';
export { validationExceptionFactory } from './http/validation.util';
export { IS_PUBLIC_KEY, Public } from './auth/public.decorator';
export { attachPrincipal, type Principal, principalOf } from './auth/principal.types';
export { CurrentPrincipal } from './auth/current-principal.decorator';
