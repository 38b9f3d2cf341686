import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Principal } from '@toolgate/core';

import { parsePolicy } from '../loader/policy-file.util';
import { CompiledPolicy } from './compiled-policy.util';

const SHIPPED = join(__dirname, '../../../../policies/policies.yml');

function makePrincipal(overrides: Partial<Principal> = {}): Principal {
  return { subject: 'agent-1', tenant: 'acme', roles: [], scopes: [], kind: 'jwt', ...overrides };
}

function compile(yaml: string): CompiledPolicy {
  return new CompiledPolicy(parsePolicy(yaml, 'test.yml'));
}

const shipped = new CompiledPolicy(parsePolicy(readFileSync(SHIPPED, 'utf8'), SHIPPED));

const adsCreate = {
  toolId: 'ads:createCampaign',
  provider_id: 'ads',
  tenant: 'public',
  safety_tags: ['financial'],
  required_scopes: ['ads.write'],
};

describe('CompiledPolicy (shipped policies.yml)', () => {
  it('allows finance-write to create a campaign, asking confirmation and finance approval', () => {
    const decision = shipped.decide(makePrincipal({ roles: ['finance-write'] }), 'tools.invoke', adsCreate);
    expect(decision).toEqual({
      allowed: true,
      matched_rules: ['invoke-ads-create', 'safety-destroy-requires-confirm'],
      missing_scopes: [],
      require_confirmation: true,
      require_approval: { roles: ['finance-approver'], rule: 'invoke-ads-create' },
      policy_version: shipped.version,
    });
  });

  it('asks finance approval of every caller the scope lets in, whatever its roles', () => {
    const decision = shipped.decide(makePrincipal({ scopes: ['ads.write'] }), 'tools.invoke', adsCreate);
    expect(decision).toMatchObject({
      allowed: true,
      require_confirmation: true,
      require_approval: { roles: ['finance-approver'], rule: 'invoke-ads-create' },
    });
  });

  it('names the scopes a caller lacks, even when a rule allows', () => {
    const decision = shipped.decide(makePrincipal({ roles: ['agent'] }), 'tools.invoke', adsCreate);
    expect(decision).toMatchObject({
      allowed: false,
      denied_by: 'missing-scopes',
      matched_rules: ['invoke-ads-create', 'safety-destroy-requires-confirm'],
      missing_scopes: ['ads.write'],
    });
  });

  it('denies by default when no allow rule matches', () => {
    const decision = shipped.decide(makePrincipal({ roles: ['agent'] }), 'tools.invoke', {
      toolId: 'database:listTables',
      provider_id: 'database',
      tenant: 'acme',
    });
    expect(decision).toMatchObject({ allowed: false, denied_by: 'default-deny', matched_rules: [] });
  });

  it('expands mcp.* to every mcp scope', () => {
    const tool = { toolId: 'mcp:git.log', provider_id: 'mcp', tenant: 'acme', required_scopes: ['mcp.git'] };
    expect(shipped.decide(makePrincipal({ roles: ['mcp-admin'] }), 'tools.invoke', tool).allowed).toBe(true);
    const user = shipped.decide(makePrincipal({ roles: ['mcp-user'] }), 'tools.invoke', {
      ...tool,
      required_scopes: ['mcp.slack'],
    });
    expect(user).toMatchObject({ allowed: false, missing_scopes: ['mcp.slack'] });
    expect(shipped.effectiveScopes(makePrincipal({ roles: ['mcp-admin'], scopes: ['x.y'] }))).toEqual([
      'mcp.*',
      'tools.invoke:write',
      'x.y',
    ]);
  });

  it('lets tenant-isolation (deny) beat an allow, but never on public resources', () => {
    const analyst = makePrincipal({ roles: ['data-analyst'] });
    const tool = {
      toolId: 'database:listTables',
      provider_id: 'database',
      required_scopes: ['database.read'],
    };
    expect(shipped.decide(analyst, 'tools.invoke', { ...tool, tenant: 'globex' })).toMatchObject({
      allowed: false,
      denied_by: 'tenant-isolation',
      matched_rules: ['invoke-database-tools', 'tenant-isolation'],
    });
    expect(shipped.decide(analyst, 'tools.invoke', { ...tool, tenant: 'public' }).allowed).toBe(true);
    expect(shipped.decide(analyst, 'tools.invoke', { ...tool, tenant: 'acme' }).allowed).toBe(true);
  });

  it('gives admin actions to platform-admin, audit to auditors, approvals to approvers', () => {
    const decide = (roles: string[], action: string) =>
      shipped.decide(makePrincipal({ roles }), action, { tenant: 'acme' }).allowed;
    expect(decide(['platform-admin'], 'policy:reload')).toBe(true);
    expect(decide(['platform-admin'], 'manifests:write')).toBe(true);
    expect(decide(['auditor'], 'audit:read')).toBe(true);
    expect(decide(['auditor'], 'policy:reload')).toBe(false);
    expect(decide(['finance-approver'], 'actions:approve')).toBe(true);
    expect(decide(['finance-write'], 'actions:approve')).toBe(false);
    expect(decide([], 'catalog:list')).toBe(true);
  });

  it('forbids approving one own action (separation of duties)', () => {
    const approver = makePrincipal({ subject: 'alice', roles: ['approver'] });
    const own = shipped.decide(approver, 'actions:approve', { tenant: 'acme', owner: 'alice' });
    expect(own).toMatchObject({ allowed: false, denied_by: 'approval-separation-of-duties' });
    expect(shipped.decide(approver, 'actions:approve', { tenant: 'acme', owner: 'bob' }).allowed).toBe(true);
  });
});

describe('CompiledPolicy (condition semantics)', () => {
  const policy = compile(`
roles:
  ops: ["ops.read"]
  dev: []
rules:
  - id: glob-actions
    effect: allow
    when: { action: "reports:*", resource.toolId: ["ads:get*", "crm:list"] }
  - id: same-tenant
    effect: allow
    when: { action: read, resource.tenant: "== subject.tenant" }
  - id: not-archived
    effect: deny
    when: { action: read, resource.source: "== archive" }
  - id: other-tenant-ops
    effect: allow
    when: { action: audit, resource.tenant: "!= subject.tenant", subject.roles: [ops] }
  - id: literal-public
    effect: allow
    when: { action: peek, resource.tenant: public, subject.tenant: "ac*" }
  - id: tagged
    effect: allow
    when: { action: wipe, resource.safety_tags_any: [destructive] }
    require_confirmation: true
`);
  const caller = makePrincipal({ roles: ['dev'] });

  it('matches action globs and resource globs/lists', () => {
    expect(policy.decide(caller, 'reports:daily', { toolId: 'ads:getStats' }).allowed).toBe(true);
    expect(policy.decide(caller, 'reports:daily', { toolId: 'crm:list' }).allowed).toBe(true);
    expect(policy.decide(caller, 'reports:daily', { toolId: 'crm:delete' }).allowed).toBe(false);
    expect(policy.decide(caller, 'other', { toolId: 'crm:list' }).allowed).toBe(false);
  });

  it('treats public as every tenant in comparisons, and a missing tenant as matching none', () => {
    expect(policy.decide(caller, 'read', { tenant: 'acme' }).matched_rules).toEqual(['same-tenant']);
    expect(policy.decide(caller, 'read', { tenant: 'public' }).allowed).toBe(true);
    expect(policy.decide(caller, 'read', { tenant: 'globex' }).denied_by).toBe('default-deny');
    expect(policy.decide(caller, 'read', {}).denied_by).toBe('default-deny');
    const ops = makePrincipal({ roles: ['ops'] });
    expect(policy.decide(ops, 'audit', { tenant: 'globex' }).allowed).toBe(true);
    expect(policy.decide(ops, 'audit', { tenant: 'public' }).allowed).toBe(false);
    expect(policy.decide(ops, 'audit', { tenant: undefined }).allowed).toBe(false);
    expect(policy.decide(ops, 'audit', {}).allowed).toBe(false);
  });

  it('matches == literals, literal tenants and subject globs exactly', () => {
    expect(policy.decide(caller, 'read', { tenant: 'acme', source: 'archive' }).denied_by).toBe(
      'not-archived',
    );
    expect(policy.decide(caller, 'peek', { tenant: 'public' }).allowed).toBe(true);
    expect(policy.decide(caller, 'peek', { tenant: 'acme' }).allowed).toBe(false);
    expect(policy.decide(makePrincipal({ tenant: 'globex' }), 'peek', { tenant: 'public' }).allowed).toBe(
      false,
    );
  });

  it('lets a subject glob match across line terminators, so a wildcard deny cannot be sidestepped', () => {
    const guarded = compile(`
roles: {}
rules:
  - { id: all, effect: allow, when: { action: read } }
  - { id: no-contractors, effect: deny, when: { subject.subject: ["contractor-*"] } }
`);
    for (const subject of ['contractor-7', 'contractor-7\u2028', 'contractor-\u20297', 'contractor-\n'])
      expect(guarded.decide(makePrincipal({ subject }), 'read', {}).denied_by).toBe('no-contractors');
    expect(guarded.decide(makePrincipal({ subject: 'x\u2028contractor-7' }), 'read', {}).allowed).toBe(true);
  });

  it('matches safety_tags_any on any tag and reports confirmation', () => {
    const decision = policy.decide(caller, 'wipe', { safety_tags: ['pii', 'destructive'] });
    expect(decision).toMatchObject({ allowed: true, require_confirmation: true, require_approval: null });
    expect(policy.decide(caller, 'wipe', { safety_tags: ['pii'] }).allowed).toBe(false);
    expect(policy.decide(caller, 'wipe', {}).allowed).toBe(false);
  });

  it('builds one ability per caller key and reuses it', () => {
    const fresh = compile('roles: { dev: [] }\nrules:\n  - { id: a, effect: allow, when: { action: x } }\n');
    fresh.decide(caller, 'x', {});
    fresh.decide(caller, 'x', { tenant: 'acme' });
    fresh.decide({ ...caller }, 'y', {});
    expect(fresh.stats()).toEqual({ builds: 1, cached: 1 });
    fresh.decide(makePrincipal({ roles: ['dev', 'ops'] }), 'x', {});
    fresh.decide(makePrincipal({ tenant: 'globex' }), 'x', {});
    expect(fresh.stats()).toEqual({ builds: 3, cached: 3 });
  });

  it('keys abilities by subject only when a rule depends on it', () => {
    const bySubject = compile(
      'roles: {}\nrules:\n  - { id: own, effect: allow, when: { action: x, resource.owner: "== subject.subject" } }\n',
    );
    expect(bySubject.decide(makePrincipal({ subject: 'a' }), 'x', { owner: 'a' }).allowed).toBe(true);
    expect(bySubject.decide(makePrincipal({ subject: 'b' }), 'x', { owner: 'a' }).allowed).toBe(false);
    expect(bySubject.stats().builds).toBe(2);
  });
});
