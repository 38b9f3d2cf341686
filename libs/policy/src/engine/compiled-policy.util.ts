import { createMongoAbility, type MongoAbility, type RawRuleFrom, type MongoQuery } from '@casl/ability';

import { type Principal } from '@toolgate/core';

import { type PolicyDocument, type PolicyRule } from '../loader/policy-document.types';
import { type LoadedPolicy } from '../loader/policy-file.util';
import { type PolicyDecision, type PolicyResource } from '../policy.types';
import { combineDecision } from './decision.util';
import { LruCache } from './lru-cache.util';
import {
  ACTION_FIELD,
  resourceQuery,
  ruleActions,
  type SubjectFacts,
  subjectMatcher,
} from './rule-query.util';
import { effectiveScopes, type ScopeSet } from './scope-set.util';

const RESOURCE = 'Resource';
const ANY_ACTION = '$any';
const DEFAULT_CACHE_SIZE = 5_000;

/** Subject of every rule: the resource attributes plus the action (so action globs are conditions). */
type MatchedObject = Record<string, unknown>;
type PolicyAbility = MongoAbility<[string, typeof RESOURCE | MatchedObject], MongoQuery>;

/** What a caller's decisions need, built once per (tenant, kind, roles, scopes[, subject]). */
interface CallerContext {
  ability: PolicyAbility;
  scopes: ScopeSet;
}

interface CompiledRule {
  rule: PolicyRule;
  subjectMatches: (facts: SubjectFacts) => boolean;
}

function usesSubjectId(document: PolicyDocument): boolean {
  return document.rules.some(
    (rule) =>
      rule.subject.some((condition) => condition.attribute === 'subject') ||
      rule.resource.some(
        ({ match }) =>
          match.op !== 'any' && 'subject' in match.operand && match.operand.subject === 'subject',
      ),
  );
}

/**
 * A validated policy compiled for matching: each caller gets a CASL ability holding the rules whose subject
 * conditions it meets (deny rules inverted), with subject references resolved; abilities are cached.
 */
export class CompiledPolicy {
  readonly version: string;
  readonly file: string;
  readonly document: PolicyDocument;
  readonly loadedAt = new Date();
  private readonly rules: CompiledRule[];
  private readonly rulesById: ReadonlyMap<string, PolicyRule>;
  private readonly keyedBySubject: boolean;
  private readonly cache: LruCache<string, CallerContext>;
  private builds = 0;

  constructor(loaded: LoadedPolicy, cacheSize = DEFAULT_CACHE_SIZE) {
    this.version = loaded.version;
    this.file = loaded.file;
    this.document = loaded.document;
    this.rules = loaded.document.rules.map((rule) => ({
      rule,
      subjectMatches: subjectMatcher(rule.subject),
    }));
    this.rulesById = new Map(loaded.document.rules.map((rule) => [rule.id, rule]));
    this.keyedBySubject = usesSubjectId(loaded.document);
    this.cache = new LruCache(cacheSize);
  }

  /** How many caller abilities were built and how many are cached (for tests and metrics). */
  stats(): { builds: number; cached: number } {
    return { builds: this.builds, cached: this.cache.size };
  }

  decide(principal: Principal, action: string, resource: PolicyResource): PolicyDecision {
    const context = this.contextFor(principal);
    const object: MatchedObject = { ...resource, [ACTION_FIELD]: action };
    const matched = context.ability
      .rulesFor(action, RESOURCE)
      .filter((rule) => rule.matchesConditions(object))
      .map((rule) => this.rulesById.get(rule.reason as string) as PolicyRule)
      .sort((a, b) => a.index - b.index);
    return combineDecision(matched, context.scopes, resource, this.version);
  }

  effectiveScopes(principal: Principal): readonly string[] {
    return this.contextFor(principal).scopes.list;
  }

  private contextFor(principal: Principal): CallerContext {
    const subject = this.keyedBySubject ? principal.subject : '';
    const key = JSON.stringify([
      principal.tenant,
      principal.kind,
      subject,
      principal.roles,
      principal.scopes,
    ]);
    let context = this.cache.get(key);
    if (!context) {
      context = this.buildContext(principal);
      this.cache.set(key, context);
    }
    return context;
  }

  private buildContext(principal: Principal): CallerContext {
    this.builds += 1;
    const facts: SubjectFacts = {
      subject: principal.subject,
      tenant: principal.tenant,
      kind: principal.kind,
      roles: principal.roles,
    };
    const raw: RawRuleFrom<[string, typeof RESOURCE | MatchedObject], MongoQuery>[] = this.rules
      .filter(({ subjectMatches }) => subjectMatches(facts))
      .map(({ rule }) => ({
        action: ruleActions(rule, ANY_ACTION),
        subject: RESOURCE,
        conditions: resourceQuery(rule, facts),
        inverted: rule.effect === 'deny',
        reason: rule.id,
      }));
    const ability = createMongoAbility<[string, typeof RESOURCE | MatchedObject], MongoQuery>(raw, {
      anyAction: ANY_ACTION,
      detectSubjectType: () => RESOURCE,
    });
    return { ability, scopes: effectiveScopes(this.document.roles, principal) };
  }
}
