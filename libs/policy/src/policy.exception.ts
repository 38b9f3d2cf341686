import { DomainException } from '@toolgate/core';

import { formatIssue, type PolicyIssue } from './loader/policy-document.types';
import { DEFAULT_DENY, MISSING_SCOPES } from './engine/decision.util';
import { type PolicyDecision } from './policy.types';

function denialDetail(action: string, decision: PolicyDecision): string {
  if (decision.denied_by === MISSING_SCOPES) {
    return `"${action}" needs scopes the caller does not hold: ${decision.missing_scopes.join(', ')}.`;
  }
  if (decision.denied_by === DEFAULT_DENY) {
    return `No policy rule allows "${action}" on this resource (default-deny).`;
  }
  return `"${action}" is denied by policy rule "${decision.denied_by}".`;
}

/** 403: the policy denied the action; names the deciding rule or the missing scopes. */
export class PolicyDeniedException extends DomainException {
  constructor(action: string, decision: PolicyDecision) {
    super('POLICY.DENIED', 403, 'Forbidden', {
      detail: denialDetail(action, decision),
      extensions: {
        action,
        denied_by: decision.denied_by,
        matched_rules: decision.matched_rules,
        missing_scopes: decision.missing_scopes,
        policy_version: decision.policy_version,
      },
    });
  }
}

/** 403: the handler declares neither `@Public()` nor `@RequirePolicy()`, so it is denied by default. */
export class PolicyNotDeclaredException extends DomainException {
  constructor() {
    super('POLICY.DENIED', 403, 'Forbidden', {
      detail: 'This route declares no policy requirement and is denied by default.',
      extensions: { denied_by: 'undeclared-route', matched_rules: [], missing_scopes: [] },
    });
  }
}

/** 401: a protected route was reached without an authenticated principal. */
export class PolicyUnauthenticatedException extends DomainException {
  constructor() {
    super('AUTH.UNAUTHENTICATED', 401, 'Unauthorized', {
      detail: 'Authentication is required.',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
}

/** 422: a reload found the policy file invalid; the previous policy stays active. */
export class PolicyInvalidException extends DomainException {
  constructor(issues: PolicyIssue[], activeVersion: string) {
    super('POLICY.INVALID', 422, 'Policy file refused', {
      detail: `The policy file was refused; version ${activeVersion} stays active.`,
      errors: issues.map((issue) => ({ pointer: pointerOf(issue), detail: formatIssue(issue) })),
      extensions: { active_version: activeVersion },
    });
  }
}

function pointerOf(issue: PolicyIssue): string {
  return issue.path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
