import { DomainException, type DomainExceptionOptions } from './domain.exception';
import { type ProblemViolation } from './problem.types';

export class RequestValidationException extends DomainException {
  constructor(errors: ProblemViolation[], detail = 'The request is not valid.') {
    super('REQUEST.VALIDATION_FAILED', 422, 'Validation failed', { detail, errors });
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
