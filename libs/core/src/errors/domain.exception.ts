import { type ProblemViolation } from './problem.types';

export interface DomainExceptionOptions {
  detail?: string;
  errors?: ProblemViolation[];
  /** Extra members merged into the problem body (never secrets). */
  extensions?: Record<string, unknown>;
  /** Extra response headers, e.g. `WWW-Authenticate` or `Retry-After`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * Base of every exception a service throws. Carries a stable code (`POLICY.DENIED`) and the HTTP status the
 * global filter answers with; services never throw `HttpException`.
 */
export class DomainException extends Error {
  readonly detail: string;
  readonly errors?: ProblemViolation[];
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    options: DomainExceptionOptions = {},
  ) {
    super(options.detail ?? title, { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail ?? title;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}
