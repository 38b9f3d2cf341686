import { ClaimsError, principalFromClaims } from './claims.util';

const NAMES = { tenant: 'tenant', roles: 'roles', scopes: 'scopes' };
const NOW = 1_800_000_000;

function map(claims: Record<string, unknown>, names = NAMES) {
  return principalFromClaims({ sub: 'agent-1', tenant: 'acme', exp: NOW + 60, ...claims }, names, NOW, 300);
}

describe('principalFromClaims', () => {
  it('maps sub, tenant, roles, scopes, jti and exp to a frozen principal', () => {
    const principal = map({ roles: ['finance-write', 'finance-write'], scopes: ['ads.write'], jti: 'j-1' });
    expect(principal).toEqual({
      subject: 'agent-1',
      tenant: 'acme',
      roles: ['finance-write'],
      scopes: ['ads.write'],
      kind: 'jwt',
      credentialId: 'j-1',
      expiresAt: NOW + 60,
    });
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.roles)).toBe(true);
  });

  it('reads a space-separated scope string from the configured claim or the standard scope claim', () => {
    expect(map({ scopes: 'a.read  b.write' }).scopes).toEqual(['a.read', 'b.write']);
    expect(map({ scope: 'c.read d.write' }).scopes).toEqual(['c.read', 'd.write']);
    expect(map({}).scopes).toEqual([]);
    expect(map({}).roles).toEqual([]);
  });

  it('honours configured claim names', () => {
    const names = { tenant: 'https://acme.example/org', roles: 'groups', scopes: 'perms' };
    const principal = map({ 'https://acme.example/org': 'org-9', groups: ['g1'], perms: ['p1'] }, names);
    expect(principal).toMatchObject({ tenant: 'org-9', roles: ['g1'], scopes: ['p1'] });
  });

  it.each([
    ['missing tenant', { tenant: undefined }],
    ['empty tenant', { tenant: '' }],
    ['numeric tenant', { tenant: 42 }],
    ['tenant with a space', { tenant: 'a b' }],
    ['object tenant', { tenant: { id: 'x' } }],
    ['missing sub', { sub: undefined }],
    ['array sub', { sub: ['a'] }],
    ['sub with control characters', { sub: 'a\u0000b' }],
    ['overlong sub', { sub: 'x'.repeat(257) }],
    ['roles as a string', { roles: 'admin' }],
    ['roles with a number', { roles: ['a', 1] }],
    ['roles with an object', { roles: [{ name: 'admin' }] }],
    ['too many roles', { roles: Array.from({ length: 65 }, (_, i) => `r${i}`) }],
    ['overlong role', { roles: ['r'.repeat(129)] }],
    ['too many scopes', { scopes: Array.from({ length: 129 }, (_, i) => `s${i}`) }],
    ['scopes as an object', { scopes: { a: 1 } }],
    ['scopes as a number', { scopes: 7 }],
    ['iat far in the future', { iat: NOW + 301 }],
    ['iat not a number', { iat: 'yesterday' }],
  ])('rejects %s', (_name, claims) => {
    expect(() => map(claims)).toThrow(ClaimsError);
  });

  it('accepts iat within the clock skew', () => {
    expect(map({ iat: NOW + 299 }).subject).toBe('agent-1');
  });

  it('ignores an unusable jti instead of failing', () => {
    expect(map({ jti: 42 }).credentialId).toBeUndefined();
  });
});
