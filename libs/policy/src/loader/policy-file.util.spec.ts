import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { formatIssue, type PolicyIssue } from './policy-document.types';
import { parsePolicy, PolicyLoadError } from './policy-file.util';

const FILE = 'policies/test.yml';

const ROLES = `
roles:
  finance-write: ["ads.write"]
  finance-approver: ["actions.approve"]
`;

function issuesOf(yaml: string): PolicyIssue[] {
  try {
    parsePolicy(yaml, FILE);
  } catch (error) {
    if (error instanceof PolicyLoadError) return error.issues;
    throw error;
  }
  throw new Error('the policy was accepted');
}

/** A file with the standard roles and one rule written as YAML lines under `rules:`. */
function withRule(rule: string): string {
  return `version: 1\n${ROLES}rules:\n${rule}`;
}

function onlyIssue(yaml: string): PolicyIssue {
  const issues = issuesOf(yaml);
  expect(issues).toHaveLength(1);
  return issues[0];
}

describe('policy loader', () => {
  it('loads the shipped policies.yml with the seed rule ids and a stable version hash', () => {
    const file = join(__dirname, '../../../../policies/policies.yml');
    const content = readFileSync(file, 'utf8');
    const loaded = parsePolicy(content, file);
    expect(loaded.document.rules.map((rule) => rule.id)).toEqual(
      expect.arrayContaining([
        'catalog-visibility',
        'invoke-ads-create',
        'invoke-database-tools',
        'invoke-mcp-tools',
        'safety-destroy-requires-confirm',
        'tenant-isolation',
      ]),
    );
    expect(Object.keys(loaded.document.roles)).toEqual(
      expect.arrayContaining(['mcp-admin', 'platform-admin', 'auditor', 'approver', 'finance-approver']),
    );
    expect(loaded.version).toMatch(/^[0-9a-f]{16}$/);
    expect(parsePolicy(content, file).version).toBe(loaded.version);
    expect(parsePolicy(`${content}\n# changed\n`, file).version).not.toBe(loaded.version);
  });

  it('refuses invalid YAML with the line', () => {
    const issue = issuesOf('roles:\n  a: [x\nrules: []\n')[0];
    expect(issue.message).toMatch(/^invalid YAML/);
    expect(formatIssue(issue)).toMatch(/^policies\/test\.yml:\d+: invalid YAML/);
  });

  it('refuses more alias expansions than it allows, and an alias bomb, as a load error', () => {
    const reuse = Array.from({ length: 150 }, (_, i) => `  r${i}: *s`).join('\n');
    expect(onlyIssue(`version: 1\nroles:\n  a: &s ["x.y"]\n${reuse}\nrules: []\n`).message).toMatch(
      /^invalid YAML: .*alias/i,
    );
    const level = (n: number) => `[${Array.from({ length: 10 }, () => `*a${n}`).join(',')}]`;
    const bomb = `version: 1\nx0: &a0 [q,q,q,q,q,q,q,q,q,q]\nx1: &a1 ${level(0)}\nx2: &a2 ${level(1)}\nrules: []\n`;
    expect(onlyIssue(bomb).message).toMatch(/^invalid YAML/);
  });

  it('refuses duplicate YAML keys', () => {
    expect(issuesOf('roles: {}\nroles: {}\nrules: []\n')[0].message).toMatch(/unique/);
  });

  it('refuses unknown top-level keys and a bad version', () => {
    const issues = issuesOf(`version: 2\nextra: true\n${ROLES}rules: []\n`);
    expect(issues.map((issue) => issue.key)).toEqual(['extra', 'version']);
    expect(issues[1].message).toContain('must be 1');
  });

  it('refuses an unknown rule key, naming file, rule and key with its line', () => {
    const issue = onlyIssue(
      withRule('  - id: r1\n    effect: allow\n    when: { action: a }\n    require_confirm: true\n'),
    );
    expect(issue).toMatchObject({ file: FILE, rule: 'r1', key: 'require_confirm', line: 10 });
    expect(formatIssue(issue)).toBe(
      'policies/test.yml:10: rule "r1", key "require_confirm": unknown key (allowed: id, effect, description, when, require_confirmation, require_approval)',
    );
  });

  it('refuses a bad effect', () => {
    const issue = onlyIssue(withRule('  - id: r1\n    effect: permit\n    when: { action: a }\n'));
    expect(issue).toMatchObject({ rule: 'r1', key: 'effect' });
    expect(issue.message).toBe('must be "allow" or "deny" (got "permit")');
  });

  it('refuses duplicate rule ids, naming the first one', () => {
    const rule = '  - id: same\n    effect: allow\n    when: { action: a }\n';
    const issue = onlyIssue(withRule(rule + rule));
    expect(issue).toMatchObject({ rule: 'same', key: 'id', path: ['rules', 1, 'id'] });
    expect(issue.message).toContain('duplicate rule id (first used by rules[0])');
  });

  it('refuses a missing or reserved id', () => {
    expect(onlyIssue(withRule('  - effect: allow\n    when: { action: a }\n'))).toMatchObject({
      rule: '#1',
      key: 'id',
      message: 'is required',
    });
    expect(
      onlyIssue(withRule('  - id: default-deny\n    effect: deny\n    when: { action: a }\n')).message,
    ).toContain('reserved');
  });

  it('refuses an unknown condition, resource attribute or subject attribute', () => {
    const issues = issuesOf(
      withRule(
        '  - id: r1\n    effect: allow\n    when:\n      verb: x\n      resource.provder_id: ads\n      subject.email: a@b\n',
      ),
    );
    expect(issues.map((issue) => [issue.rule, issue.key])).toEqual([
      ['r1', 'when.verb'],
      ['r1', 'when.resource.provder_id'],
      ['r1', 'when.subject.email'],
    ]);
    expect(issues[1].message).toContain('unknown resource attribute "provder_id"');
    expect(issues[2].message).toContain('unknown subject attribute "email"');
  });

  it.each([
    ['>= subject.tenant', 'bad operator ">="'],
    ['=~ acme', 'bad operator "=~"'],
    ['= subject.tenant', 'bad operator "="'],
    ['== subject.roles', 'cannot compare with "subject.roles"'],
    ['!= resource.owner', 'must compare with a literal or a subject attribute'],
  ])('refuses the comparison "%s"', (value, message) => {
    const issue = onlyIssue(
      withRule(`  - id: iso\n    effect: deny\n    when:\n      resource.tenant: "${value}"\n`),
    );
    expect(issue).toMatchObject({ rule: 'iso', key: 'when.resource.tenant' });
    expect(issue.message).toContain(message);
  });

  it('refuses comparisons inside lists and on subject attributes', () => {
    const inList = onlyIssue(
      withRule('  - id: r\n    effect: deny\n    when:\n      resource.tenant: ["!= a"]\n'),
    );
    expect(inList.message).toContain('comparisons are only allowed');
    const onSubject = onlyIssue(
      withRule('  - id: r\n    effect: deny\n    when:\n      subject.tenant: "== resource.tenant"\n'),
    );
    expect(onSubject.key).toBe('when.subject.tenant');
  });

  it('refuses an unknown role in subject.roles and in require_approval', () => {
    const issues = issuesOf(
      withRule(
        '  - id: r1\n    effect: allow\n    when:\n      subject.roles: [finance-wrte]\n    require_approval: { roles: [cfo] }\n',
      ),
    );
    expect(issues.map((issue) => [issue.key, issue.message])).toEqual([
      ['when.subject.roles', 'unknown role "finance-wrte" (not defined under roles)'],
      ['require_approval.roles', 'unknown role "cfo" (not defined under roles)'],
    ]);
  });

  it('refuses a subject.kind no principal has (a misspelt deny would never deny), accepts the real ones', () => {
    for (const kind of ['apikey', 'API_KEY', '[jwt, token]', 'x*']) {
      const issue = onlyIssue(
        withRule(`  - id: r\n    effect: deny\n    when:\n      subject.kind: ${kind}\n`),
      );
      expect([issue.key, issue.message]).toEqual([
        'when.subject.kind',
        expect.stringMatching(/^unknown kind "/),
      ]);
    }
    for (const kind of ['api_key', 'jwt', '[jwt, api_key]', 'api_*'])
      expect(() =>
        parsePolicy(withRule(`  - id: r\n    effect: deny\n    when:\n      subject.kind: ${kind}\n`), FILE),
      ).not.toThrow();
  });

  it('refuses confirmation or approval on deny rules and an empty when', () => {
    const issues = issuesOf(
      withRule('  - id: d\n    effect: deny\n    when: {}\n    require_confirmation: true\n'),
    );
    expect(issues.map((issue) => issue.key)).toEqual(['when', 'require_confirmation']);
  });

  it('refuses bad values: non-string conditions, spaces, bad actions, bad scopes', () => {
    const issues = issuesOf(
      `roles:\n  r: ["ok.scope", "bad scope"]\nrules:\n  - id: a\n    effect: allow\n    when:\n      action: "tools invoke"\n      resource.toolId: 3\n`,
    );
    expect(issues.map((issue) => issue.key)).toEqual(['roles.r', 'when.action', 'when.resource.toolId']);
    expect(issues[0].message).toContain('"bad scope" is not a valid scope');
  });

  it('reports every problem of a file at once', () => {
    const issues = issuesOf(
      withRule(
        '  - id: a\n    effect: nope\n    when: { action: x }\n  - id: a\n    effect: allow\n    when: 5\n',
      ),
    );
    expect(issues.length).toBe(3);
    expect(new PolicyLoadError(FILE, issues).message).toMatch(/^Policy file refused: .*\(and 2 more\)$/);
  });
});
