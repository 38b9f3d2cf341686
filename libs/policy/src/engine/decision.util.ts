import { type PolicyRule } from '../loader/policy-document.types';
import { type PolicyDecision, type PolicyResource } from '../policy.types';
import { type ScopeSet } from './scope-set.util';

export const DEFAULT_DENY = 'default-deny';
export const MISSING_SCOPES = 'missing-scopes';

function requiredScopes(resource: PolicyResource): string[] {
  const required = resource.required_scopes;
  return Array.isArray(required)
    ? required.filter((scope): scope is string => typeof scope === 'string')
    : [];
}

function approvalOf(allows: readonly PolicyRule[]): PolicyDecision['require_approval'] {
  const rule = allows.find((candidate) => candidate.requireApproval);
  return rule?.requireApproval ? { roles: [...rule.requireApproval.roles], rule: rule.id } : null;
}

/**
 * Combines the rules that matched (in file order) into a decision: a matching deny wins, no matching allow
 * denies by default, and an allowed caller must still hold every required scope of the resource.
 * Confirmation and approval come from the matching allow rules (approval implies confirmation).
 */
export function combineDecision(
  matched: readonly PolicyRule[],
  scopes: ScopeSet,
  resource: PolicyResource,
  version: string,
): PolicyDecision {
  const deny = matched.find((rule) => rule.effect === 'deny');
  const allows = matched.filter((rule) => rule.effect === 'allow');
  const missing = scopes.missing(requiredScopes(resource));
  const approval = approvalOf(allows);
  const deniedBy =
    deny?.id ?? (allows.length === 0 ? DEFAULT_DENY : missing.length > 0 ? MISSING_SCOPES : undefined);
  return {
    allowed: deniedBy === undefined,
    matched_rules: matched.map((rule) => rule.id),
    ...(deniedBy ? { denied_by: deniedBy } : {}),
    missing_scopes: missing,
    require_confirmation: approval !== null || allows.some((rule) => rule.requireConfirmation),
    require_approval: approval,
    policy_version: version,
  };
}
