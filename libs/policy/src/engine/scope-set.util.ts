/**
 * The scopes a caller holds. A held scope `prefix.*` covers every scope under `prefix.` (`mcp.*` covers
 * `mcp.git` and `mcp.git.read`, not `mcp`); anything else must be held exactly.
 */
export class ScopeSet {
  private readonly exact: ReadonlySet<string>;
  private readonly prefixes: readonly string[];
  /** Every held scope (token scopes and role scopes), sorted. */
  readonly list: readonly string[];

  constructor(scopes: Iterable<string>) {
    const all = [...new Set(scopes)];
    this.exact = new Set(all);
    this.prefixes = all.filter((scope) => scope.endsWith('.*')).map((scope) => scope.slice(0, -1));
    this.list = Object.freeze([...all].sort());
  }

  holds(scope: string): boolean {
    return this.exact.has(scope) || this.prefixes.some((prefix) => scope.startsWith(prefix));
  }

  /** The required scopes this set does not cover, in the order given. */
  missing(required: readonly string[]): string[] {
    return required.filter((scope) => !this.holds(scope));
  }
}

/** Caller scopes: those in the credential plus those granted by each of its roles the policy defines. */
export function effectiveScopes(
  roleScopes: Readonly<Record<string, readonly string[]>>,
  principal: { roles: readonly string[]; scopes: readonly string[] },
): ScopeSet {
  const granted = principal.roles.flatMap((role) =>
    Object.hasOwn(roleScopes, role) ? roleScopes[role] : [],
  );
  return new ScopeSet([...principal.scopes, ...granted]);
}
