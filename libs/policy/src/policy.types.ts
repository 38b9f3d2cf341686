/** Attributes of the thing an action is performed on (a tool manifest, an admin object). */
export interface PolicyResource {
  toolId?: string;
  provider_id?: string;
  safety_tags?: string[];
  /** Owning tenant; `public` is shared by every tenant. */
  tenant?: string;
  required_scopes?: string[];
  [attribute: string]: unknown;
}

/** The outcome of one policy decision, with everything needed to explain or audit it. */
export interface PolicyDecision {
  allowed: boolean;
  /** Ids of every rule whose conditions matched (allow and deny). */
  matched_rules: string[];
  /** Id of the deny rule that won, or `default-deny` when no allow rule matched. */
  denied_by?: string;
  /** Required scopes of the resource the caller does not hold (after role expansion and wildcards). */
  missing_scopes: string[];
  require_confirmation: boolean;
  /** Set when a matching rule asks for a human approval: approver roles and the rule that asked. */
  require_approval: { roles: string[]; rule: string } | null;
  /** Hash of the policy file that decided. */
  policy_version: string;
}

/** The last refused reload: the previous policy stays active until the file is fixed. */
export interface PolicyLoadFailure {
  message: string;
  /** One line per problem, each naming the file (and line), the rule and the key. */
  errors: string[];
  at: string;
}

/** What `GET /policy` and the health indicator report about the active policy. */
export interface PolicyStatus {
  version: string;
  file: string;
  loaded_at: string;
  last_error: PolicyLoadFailure | null;
  roles: string[];
  rules: string[];
}
