/** Resource attributes a rule may test (`resource.<attribute>`); anything else refuses the file. */
export const RESOURCE_ATTRIBUTES = ['toolId', 'provider_id', 'tenant', 'owner', 'source', 'server'] as const;
export type ResourceAttribute = (typeof RESOURCE_ATTRIBUTES)[number];

/** Caller attributes a rule may test (`subject.<attribute>`). */
export const SUBJECT_ATTRIBUTES = ['roles', 'tenant', 'subject', 'kind'] as const;
export type SubjectAttribute = (typeof SUBJECT_ATTRIBUTES)[number];

/** Caller attributes a resource attribute may be compared with (`"== subject.tenant"`). */
export const COMPARABLE_SUBJECT_ATTRIBUTES = ['tenant', 'subject', 'kind'] as const;
export type ComparableSubjectAttribute = (typeof COMPARABLE_SUBJECT_ATTRIBUTES)[number];

/** Ids the engine itself puts in `denied_by`; a rule may not take them. */
export const RESERVED_RULE_IDS = ['default-deny', 'missing-scopes', 'undeclared-route'] as const;

/** The tenant whose resources every tenant shares. */
export const PUBLIC_TENANT = 'public';

/**
 * How one attribute is matched: any of a list of literals or `*` globs, or a comparison (`==`, `!=`)
 * with a literal or with an attribute of the caller.
 */
export type ValueMatch =
  | { op: 'any'; patterns: string[] }
  | { op: 'eq' | 'ne'; operand: { literal: string } | { subject: ComparableSubjectAttribute } };

export interface ResourceCondition {
  attribute: ResourceAttribute;
  match: ValueMatch;
}

export interface SubjectCondition {
  attribute: SubjectAttribute;
  /** Always `op: 'any'`: subject values are literals or globs (roles: known role names, any of). */
  patterns: string[];
}

export interface PolicyRule {
  id: string;
  effect: 'allow' | 'deny';
  /** Position in the file: matched rules are reported in file order. */
  index: number;
  description?: string;
  /** Action names or globs (any of); undefined matches every action. */
  actions?: string[];
  resource: ResourceCondition[];
  /** `resource.safety_tags_any`: the resource carries at least one of these tags. */
  safetyTagsAny?: string[];
  subject: SubjectCondition[];
  requireConfirmation: boolean;
  requireApproval: { roles: string[] } | null;
}

export interface PolicyDocument {
  version: 1;
  /** Role name -> scopes it grants (`prefix.*` wildcards allowed). */
  roles: Record<string, string[]>;
  rules: PolicyRule[];
}

/** One reason a policy file was refused, precise enough to fix it without reading code. */
export interface PolicyIssue {
  file: string;
  /** Location in the document, e.g. `['rules', 2, 'when', 'resource.tenant']`. */
  path: (string | number)[];
  /** Id of the rule concerned, when known. */
  rule?: string;
  /** Dotted key inside the rule (or the document), e.g. `when.resource.tenant`. */
  key?: string;
  line?: number;
  message: string;
}

export function formatIssue(issue: PolicyIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}` : issue.file;
  const location = [issue.rule && `rule "${issue.rule}"`, issue.key && `key "${issue.key}"`]
    .filter(Boolean)
    .join(', ');
  return `${where}: ${location ? `${location}: ` : ''}${issue.message}`;
}
