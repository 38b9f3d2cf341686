import { type MongoQuery, mongoQueryMatcher } from '@casl/ability';

import {
  PUBLIC_TENANT,
  type PolicyRule,
  type ResourceCondition,
  type SubjectCondition,
  type ValueMatch,
} from '../loader/policy-document.types';
import { globsToRegExpSource, isGlob } from './glob.util';

/** What the policy knows about a caller when it builds the caller's ability. */
export type SubjectFacts = {
  subject: string;
  tenant: string;
  kind: string;
  roles: readonly string[];
};

type FieldQuery = Record<string, unknown>;

/** The field of the matched object that carries the action (resource attributes never use it). */
export const ACTION_FIELD = 'action';

function anyOf(patterns: readonly string[]): FieldQuery {
  if (patterns.some(isGlob)) return { $regex: globsToRegExpSource(patterns) };
  return patterns.length === 1 ? { $eq: patterns[0] } : { $in: [...patterns] };
}

/**
 * A comparison, resolved for one caller. On `tenant`, a `public` resource is in every tenant: it equals any
 * tenant and differs from none. A missing (or null) attribute matches no comparison.
 */
function comparison(
  attribute: string,
  match: Extract<ValueMatch, { op: 'eq' | 'ne' }>,
  facts: SubjectFacts,
): FieldQuery {
  const value = 'subject' in match.operand ? facts[match.operand.subject] : match.operand.literal;
  const values = attribute === 'tenant' ? [...new Set([value, PUBLIC_TENANT])] : [value];
  return match.op === 'eq' ? { $in: values } : { $nin: [...values, null, undefined] };
}

function resourceField(condition: ResourceCondition, facts: SubjectFacts): FieldQuery {
  const { attribute, match } = condition;
  return match.op === 'any' ? anyOf(match.patterns) : comparison(attribute, match, facts);
}

/** The CASL (MongoQuery) conditions of a rule on the resource, with subject references resolved. */
export function resourceQuery(rule: PolicyRule, facts: SubjectFacts): MongoQuery | undefined {
  const query: Record<string, FieldQuery> = {};
  for (const condition of rule.resource) query[condition.attribute] = resourceField(condition, facts);
  if (rule.safetyTagsAny) query.safety_tags = { $in: [...rule.safetyTagsAny] };
  if (rule.actions?.some(isGlob)) query[ACTION_FIELD] = anyOf(rule.actions);
  return Object.keys(query).length > 0 ? (query as MongoQuery) : undefined;
}

/** The CASL actions a rule is indexed under: its exact actions, or every action when it has a glob or none. */
export function ruleActions(rule: PolicyRule, anyAction: string): string[] {
  if (!rule.actions || rule.actions.some(isGlob)) return [anyAction];
  return rule.actions;
}

/** Compiles a rule's `subject.*` conditions once into a CASL query matcher over the caller's facts. */
export function subjectMatcher(conditions: readonly SubjectCondition[]): (facts: SubjectFacts) => boolean {
  if (conditions.length === 0) return () => true;
  const query: Record<string, FieldQuery> = {};
  for (const condition of conditions) query[condition.attribute] = anyOf(condition.patterns);
  const matches = mongoQueryMatcher(query);
  return (facts) => matches(facts);
}
