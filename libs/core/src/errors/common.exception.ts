import { DomainException, type DomainExceptionOptions } from './domain.exception';
import { type ProblemViolation } from './problem.types';

/**
 * Violations one 422 lists at most. A request can carry as many mistakes as its body has members (90,000
 * unknown keys made a 6 MB answer); beyond this many the answer says `errors_truncated: true` instead.
 */
export const MAX_REPORTED_VIOLATIONS = 100;

export class RequestValidationException extends DomainException {
  constructor(errors: ProblemViolation[], detail = 'The request is not valid.') {
    const truncated = errors.length > MAX_REPORTED_VIOLATIONS;
    super('REQUEST.VALIDATION_FAILED', 422, 'Validation failed', {
      detail,
      errors: truncated ? errors.slice(0, MAX_REPORTED_VIOLATIONS) : errors,
      extensions: truncated ? { errors_truncated: true } : {},
    });
  }
}

export class ResourceNotFoundException extends DomainException {
  constructor(detail: string, options: DomainExceptionOptions = {}) {
    super('RESOURCE.NOT_FOUND', 404, 'Not Found', { ...options, detail });
  }
}

export class ConflictException extends DomainException {
  constructor(code: string, detail: string, options: DomainExceptionOptions = {}) {
    super(code, 409, 'Conflict', { ...options, detail });
  }
}

/** Unknown, disabled, another tenant's, or not visible to the caller: all answer the same 404. */
export class ToolNotFoundException extends DomainException {
  constructor(toolId: string) {
    super('CATALOG.TOOL_NOT_FOUND', 404, 'Not Found', { detail: `No tool ${toolId} is available to you.` });
  }
}
