import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { checkPolicyFile } from './policy-check.cli';

describe('policy:check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-check-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one OK line for the shipped policy', () => {
    const result = checkPolicyFile('policies/policies.yml', join(__dirname, '../../../..'));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^OK policies\/policies\.yml: \d+ roles, \d+ rules, version [0-9a-f]{16}\n$/,
    );
    expect(result.stderr).toBe('');
  });

  it('exits 1 listing every problem with file, line, rule and key', () => {
    writeFileSync(
      join(dir, 'bad.yml'),
      'roles: {}\nrules:\n  - id: a\n    effect: permit\n    when: { resource.tenant: ">= subject.tenant" }\n',
    );
    const result = checkPolicyFile('bad.yml', dir);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'bad.yml:4: rule "a", key "effect": must be "allow" or "deny" (got "permit")',
    );
    expect(result.stderr).toContain('bad.yml:5: rule "a", key "when.resource.tenant": bad operator ">="');
    expect(result.stderr).toMatch(/bad\.yml: refused \(2 problems\)\n$/);
  });

  it('exits 1 when the file cannot be read', () => {
    const result = checkPolicyFile('missing.yml', dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('missing.yml: cannot be read');
  });
});
