import { effectiveScopes, ScopeSet } from './scope-set.util';

describe('ScopeSet', () => {
  it('covers scopes under a prefix.* wildcard, not the prefix itself nor lookalikes', () => {
    const scopes = new ScopeSet(['mcp.*', 'ads.write']);
    expect(scopes.holds('mcp.git')).toBe(true);
    expect(scopes.holds('mcp.git.read')).toBe(true);
    expect(scopes.holds('mcp')).toBe(false);
    expect(scopes.holds('mcpx.git')).toBe(false);
    expect(scopes.holds('ads.write')).toBe(true);
    expect(scopes.holds('ads.read')).toBe(false);
    expect(scopes.missing(['ads.write', 'ads.read', 'mcp.fs'])).toEqual(['ads.read']);
  });

  it('adds the scopes of known roles to the token scopes, ignoring unknown roles', () => {
    const roles = { analyst: ['database.read'], 'mcp-admin': ['mcp.*'] };
    const scopes = effectiveScopes(roles, { roles: ['analyst', 'ghost', 'toString'], scopes: ['x.y'] });
    expect(scopes.list).toEqual(['database.read', 'x.y']);
  });
});
