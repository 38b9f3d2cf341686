import { parseWhen, type RuleScope } from './policy-condition.util';
import { type PolicyDocument, type PolicyRule, RESERVED_RULE_IDS } from './policy-document.types';
import {
  describeValue,
  IssueCollector,
  isMapping,
  type IssuePath,
  reportUnknownKeys,
} from './policy-issues.util';

const ROOT_KEYS = ['version', 'roles', 'rules'] as const;
const RULE_KEYS = [
  'id',
  'effect',
  'description',
  'when',
  'require_confirmation',
  'require_approval',
] as const;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const SCOPE = /^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*(\.\*)?$/;
const MAX_DESCRIPTION = 500;

export interface PolicyValidation {
  document?: PolicyDocument;
  issues: IssueCollector['issues'];
}

function parseRoles(value: unknown, issues: IssueCollector): Record<string, string[]> {
  const roles: Record<string, string[]> = {};
  if (!isMapping(value)) {
    issues.add(['roles'], 'is required: a mapping of role name to a list of scopes');
    return roles;
  }
  for (const [name, scopes] of Object.entries(value)) {
    if (!NAME.test(name)) issues.add(['roles', name], 'is not a valid role name (letters, digits, . _ : -)');
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
      issues.add(['roles', name], `must be a list of scopes (got ${describeValue(scopes)})`);
      continue;
    }
    const bad = scopes.find((scope) => !SCOPE.test(scope));
    if (bad !== undefined)
      issues.add(['roles', name], `"${bad}" is not a valid scope ("a.b", "a.b:c" or "a.*")`);
    roles[name] = scopes;
  }
  return roles;
}

function parseApproval(value: unknown, scope: RuleScope): { roles: string[] } | null {
  if (value === undefined) return null;
  const key: IssuePath = ['require_approval'];
  if (!isMapping(value)) {
    scope.report(key, 'must be a mapping like { roles: ["finance-approver"] }');
    return null;
  }
  reportUnknownKeys(value, ['roles'], scope.report, key);
  const roles = value.roles;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((role) => typeof role === 'string')) {
    scope.report([...key, 'roles'], 'must be a non-empty list of role names');
    return null;
  }
  const unknown = roles.find((role) => !scope.roles.has(role));
  if (unknown !== undefined)
    scope.report([...key, 'roles'], `unknown role "${unknown}" (not defined under roles)`);
  return { roles };
}

function parseEffect(value: unknown, scope: RuleScope): PolicyRule['effect'] {
  if (value === 'allow' || value === 'deny') return value;
  scope.report(['effect'], `must be "allow" or "deny" (got ${describeValue(value)})`);
  return 'deny';
}

function checkId(
  raw: Record<string, unknown>,
  index: number,
  seen: Map<string, number>,
  scope: RuleScope,
): void {
  const id = raw.id;
  if (id === undefined) return scope.report(['id'], 'is required');
  if (typeof id !== 'string' || !NAME.test(id)) {
    return scope.report(['id'], `must be a name of letters, digits, . _ : - (got ${describeValue(id)})`);
  }
  if ((RESERVED_RULE_IDS as readonly string[]).includes(id))
    return scope.report(['id'], `"${id}" is reserved`);
  const first = seen.get(id);
  if (first !== undefined) return scope.report(['id'], `duplicate rule id (first used by rules[${first}])`);
  seen.set(id, index);
}

function parseRule(
  raw: unknown,
  index: number,
  roles: ReadonlySet<string>,
  seen: Map<string, number>,
  issues: IssueCollector,
): PolicyRule | undefined {
  const path: IssuePath = ['rules', index];
  if (!isMapping(raw)) {
    issues.add(path, `must be a mapping (got ${describeValue(raw)})`, `#${index + 1}`);
    return undefined;
  }
  const id = typeof raw.id === 'string' ? raw.id : `#${index + 1}`;
  const scope: RuleScope = { roles, report: (key, message) => issues.add([...path, ...key], message, id) };
  checkId(raw, index, seen, scope);
  reportUnknownKeys(raw, RULE_KEYS, scope.report);
  const effect = parseEffect(raw.effect, scope);
  const when = parseWhen(raw.when, scope);
  return { id, effect, index, ...parseOptions(raw, effect, scope), ...when };
}

/** `description`, `require_confirmation` and `require_approval` (the last two on allow rules only). */
function parseOptions(
  raw: Record<string, unknown>,
  effect: PolicyRule['effect'],
  scope: RuleScope,
): Pick<PolicyRule, 'description' | 'requireConfirmation' | 'requireApproval'> {
  const { description, require_confirmation: confirmation } = raw;
  if (
    description !== undefined &&
    (typeof description !== 'string' || description.length > MAX_DESCRIPTION)
  ) {
    scope.report(['description'], `must be a string of at most ${MAX_DESCRIPTION} characters`);
  }
  if (confirmation !== undefined && typeof confirmation !== 'boolean') {
    scope.report(['require_confirmation'], `must be true or false (got ${describeValue(confirmation)})`);
  }
  const requireApproval = parseApproval(raw.require_approval, scope);
  for (const key of ['require_confirmation', 'require_approval']) {
    if (effect === 'deny' && raw[key] !== undefined) {
      scope.report([key], 'only allow rules can ask for confirmation or approval');
    }
  }
  return {
    description: typeof description === 'string' ? description : undefined,
    requireConfirmation: confirmation === true,
    requireApproval,
  };
}

function parseRules(value: unknown, roles: ReadonlySet<string>, issues: IssueCollector): PolicyRule[] {
  if (!Array.isArray(value)) {
    issues.add(['rules'], 'is required: a list of rules');
    return [];
  }
  const seen = new Map<string, number>();
  return value.flatMap((raw, index) => parseRule(raw, index, roles, seen, issues) ?? []);
}

/**
 * Checks a parsed policy file against the policy language (ARCHITECTURE §4). Returns the typed document, or
 * every issue found: unknown keys, attributes and operators, bad effects, duplicate ids, unknown roles.
 */
export function validatePolicyDocument(raw: unknown, file: string): PolicyValidation {
  const issues = new IssueCollector(file);
  if (!isMapping(raw)) {
    issues.add([], 'the document must be a mapping with version, roles and rules');
    return { issues: issues.issues };
  }
  reportUnknownKeys(raw, ROOT_KEYS, (path, message) => issues.add(path, message));
  if (raw.version !== undefined && raw.version !== 1)
    issues.add(['version'], `must be 1 (got ${describeValue(raw.version)})`);
  const roles = parseRoles(raw.roles, issues);
  const rules = parseRules(raw.rules, new Set(Object.keys(roles)), issues);
  if (issues.issues.length > 0) return { issues: issues.issues };
  return { document: { version: 1, roles, rules }, issues: [] };
}
