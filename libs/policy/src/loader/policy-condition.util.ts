import { globsToRegExpSource, isGlob } from '../engine/glob.util';
import {
  COMPARABLE_SUBJECT_ATTRIBUTES,
  type ComparableSubjectAttribute,
  type PolicyRule,
  RESOURCE_ATTRIBUTES,
  type ResourceAttribute,
  type ResourceCondition,
  SUBJECT_ATTRIBUTES,
  type SubjectAttribute,
  type SubjectCondition,
  type ValueMatch,
} from './policy-document.types';
import { describeValue, type IssuePath, isMapping } from './policy-issues.util';

/** Where a rule's conditions are parsed: reports issues under the rule, knows the declared roles. */
export interface RuleScope {
  report(key: IssuePath, message: string): void;
  roles: ReadonlySet<string>;
}

export type ParsedWhen = Pick<PolicyRule, 'actions' | 'resource' | 'safetyTagsAny' | 'subject'>;

const VALUE = /^\S{1,256}$/;
const ACTION = /^[A-Za-z0-9*._:-]{1,128}$/;
const OPERATOR_START = /^[=!<>~]/;
const COMPARISON = /^(==|!=)\s*(\S+)$/;
const SAFETY_TAGS_ANY = 'safety_tags_any';

function stringList(value: unknown, scope: RuleScope, key: IssuePath, literal = false): string[] | undefined {
  const list: unknown = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string')) {
    scope.report(key, `must be a string or a non-empty list of strings (got ${describeValue(value)})`);
    return undefined;
  }
  const operator = literal ? list.find((item) => OPERATOR_START.test(item)) : undefined;
  if (operator !== undefined) {
    scope.report(
      key,
      `"${operator}": comparisons are only allowed as the single value of a resource attribute`,
    );
    return undefined;
  }
  const bad = list.find((item) => !VALUE.test(item));
  if (bad !== undefined) {
    scope.report(key, `"${bad}" is not a valid value (1-256 characters, no spaces)`);
    return undefined;
  }
  return list;
}

function literalList(value: unknown, scope: RuleScope, key: IssuePath): string[] | undefined {
  return stringList(value, scope, key, true);
}

function parseComparison(text: string, scope: RuleScope, key: IssuePath): ValueMatch | undefined {
  const match = COMPARISON.exec(text);
  if (!match) {
    const operator = /^[=!<>~]+/.exec(text)?.[0];
    scope.report(
      key,
      `bad operator "${operator}" in "${text}" (use "== <value>", "!= <value>", "== subject.<attribute>" or "!= subject.<attribute>")`,
    );
    return undefined;
  }
  const op = match[1] === '==' ? 'eq' : 'ne';
  const operand = match[2];
  if (operand.startsWith('subject.')) {
    const attribute = operand.slice('subject.'.length);
    if (!(COMPARABLE_SUBJECT_ATTRIBUTES as readonly string[]).includes(attribute)) {
      scope.report(
        key,
        `cannot compare with "${operand}" (use ${COMPARABLE_SUBJECT_ATTRIBUTES.map((a) => `subject.${a}`).join(', ')})`,
      );
      return undefined;
    }
    return { op, operand: { subject: attribute as ComparableSubjectAttribute } };
  }
  if (operand.startsWith('resource.') || isGlob(operand)) {
    scope.report(key, `"${text}" must compare with a literal or a subject attribute`);
    return undefined;
  }
  return { op, operand: { literal: operand } };
}

function parseResource(attribute: string, value: unknown, scope: RuleScope, parsed: ParsedWhen): void {
  const key = ['when', `resource.${attribute}`];
  if (attribute === SAFETY_TAGS_ANY) {
    const tags = literalList(value, scope, key);
    if (tags?.some(isGlob)) scope.report(key, 'safety tags are matched exactly: no "*" wildcards');
    else parsed.safetyTagsAny = tags;
    return;
  }
  if (!(RESOURCE_ATTRIBUTES as readonly string[]).includes(attribute)) {
    scope.report(
      key,
      `unknown resource attribute "${attribute}" (known: ${[...RESOURCE_ATTRIBUTES, SAFETY_TAGS_ANY].join(', ')})`,
    );
    return;
  }
  const match: ValueMatch | undefined =
    typeof value === 'string' && OPERATOR_START.test(value)
      ? parseComparison(value, scope, key)
      : mapAny(literalList(value, scope, key));
  if (match)
    parsed.resource.push({ attribute: attribute as ResourceAttribute, match } satisfies ResourceCondition);
}

/** How a principal can authenticate (`Principal.kind`). */
const PRINCIPAL_KINDS = ['jwt', 'api_key'] as const;

const matchesGlob = (pattern: string, value: string) =>
  isGlob(pattern) ? new RegExp(globsToRegExpSource([pattern])).test(value) : pattern === value;

function mapAny(patterns: string[] | undefined): ValueMatch | undefined {
  return patterns ? { op: 'any', patterns } : undefined;
}

function parseSubject(attribute: string, value: unknown, scope: RuleScope, parsed: ParsedWhen): void {
  const key = ['when', `subject.${attribute}`];
  if (!(SUBJECT_ATTRIBUTES as readonly string[]).includes(attribute)) {
    scope.report(key, `unknown subject attribute "${attribute}" (known: ${SUBJECT_ATTRIBUTES.join(', ')})`);
    return;
  }
  const patterns = literalList(value, scope, key);
  if (!patterns) return;
  if (attribute === 'roles') {
    const unknown = patterns.find((role) => !scope.roles.has(role));
    if (unknown !== undefined)
      return scope.report(key, `unknown role "${unknown}" (not defined under roles)`);
  }
  if (attribute === 'kind') {
    // A kind no principal has would make its rule match nothing: a misspelt deny would silently allow.
    const unknown = patterns.find((kind) => !PRINCIPAL_KINDS.some((known) => matchesGlob(kind, known)));
    if (unknown !== undefined)
      return scope.report(key, `unknown kind "${unknown}" (known: ${PRINCIPAL_KINDS.join(', ')})`);
  }
  parsed.subject.push({ attribute: attribute as SubjectAttribute, patterns } satisfies SubjectCondition);
}

function parseActions(value: unknown, scope: RuleScope): string[] | undefined {
  const actions = stringList(value, scope, ['when', 'action']);
  const bad = actions?.find((action) => !ACTION.test(action));
  if (bad === undefined) return actions;
  scope.report(['when', 'action'], `"${bad}" is not a valid action (letters, digits, . _ : - and * globs)`);
  return undefined;
}

/** Parses a rule's `when` mapping; every unknown key, attribute or operator is reported. */
export function parseWhen(value: unknown, scope: RuleScope): ParsedWhen {
  const parsed: ParsedWhen = { resource: [], subject: [] };
  if (!isMapping(value)) {
    scope.report(['when'], 'is required: a mapping of conditions');
    return parsed;
  }
  if (Object.keys(value).length === 0) scope.report(['when'], 'must have at least one condition');
  for (const [key, condition] of Object.entries(value)) {
    if (key === 'action') parsed.actions = parseActions(condition, scope);
    else if (key.startsWith('resource.'))
      parseResource(key.slice('resource.'.length), condition, scope, parsed);
    else if (key.startsWith('subject.')) parseSubject(key.slice('subject.'.length), condition, scope, parsed);
    else
      scope.report(
        ['when', key],
        'unknown condition (use action, resource.<attribute> or subject.<attribute>)',
      );
  }
  return parsed;
}
