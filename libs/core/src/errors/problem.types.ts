/** One violation inside a 400/422 problem: where (JSON pointer or field) and what is wrong. */
export interface ProblemViolation {
  pointer: string;
  detail: string;
}

/** RFC 9457 problem details as Toolgate serialises them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  request_id: string;
  code: string;
  errors?: ProblemViolation[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Stable problem type URI for a code such as `POLICY.DENIED`. */
export function problemType(code: string): string {
  return `urn:toolgate:problem:${code.toLowerCase().replace(/[._]/g, '-')}`;
}
