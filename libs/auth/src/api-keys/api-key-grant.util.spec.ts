import { assertKnownRoles, assertWithinCreator, expiryUnderParent } from './api-key-grant.util';

describe('API key grants', () => {
  it('refuses roles the active policy does not define, pointing at each one', () => {
    expect(() => assertKnownRoles(['agent', 'platform-admin'], ['agent', 'platform-admin'])).not.toThrow();
    expect(() => assertKnownRoles(['agent', 'no-such-role', 'toString'], ['agent'])).toThrow(
      expect.objectContaining({
        status: 422,
        detail: 'Unknown roles: no-such-role, toString.',
        errors: [
          { pointer: '/roles/1', detail: 'role no-such-role is not in the active policy' },
          { pointer: '/roles/2', detail: 'role toString is not in the active policy' },
        ],
      }),
    );
  });

  it("keeps a key minted by a key within the minting key's roles and effective scopes", () => {
    const held = ['ads.write', 'mcp.*', 'tools.invoke:write'];
    expect(() =>
      assertWithinCreator({ roles: ['agent'], scopes: ['mcp.git', 'mcp.*', 'ads.write'] }, ['agent'], held),
    ).not.toThrow();
    expect(() =>
      assertWithinCreator(
        { roles: ['agent', 'data-admin'], scopes: ['mcp', 'ads.*', 'database.write', 'ads.write'] },
        ['agent'],
        held,
      ),
    ).toThrow(
      expect.objectContaining({
        status: 403,
        code: 'API_KEYS.GRANT_EXCEEDS_CREATOR',
        extensions: { excess_roles: ['data-admin'], excess_scopes: ['mcp', 'ads.*', 'database.write'] },
      }),
    );
  });

  it('never lets a key minted by a key outlive it: refuses a longer lifetime, shortens the default', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    const parentExpiresAt = new Date(now + 3_600_000);
    expect(expiryUnderParent(now, 600, 86_400, parentExpiresAt)).toEqual(new Date(now + 600_000));
    expect(expiryUnderParent(now, 3_600, 86_400, parentExpiresAt)).toEqual(parentExpiresAt);
    expect(expiryUnderParent(now, undefined, 86_400, parentExpiresAt)).toEqual(parentExpiresAt);
    expect(expiryUnderParent(now, undefined, 60, parentExpiresAt)).toEqual(new Date(now + 60_000));
    expect(() => expiryUnderParent(now, 3_601, 86_400, parentExpiresAt)).toThrow(
      expect.objectContaining({
        status: 422,
        errors: [
          {
            pointer: '/expires_in_seconds',
            detail: 'must be at most 3600: the key minting it expires at 2026-11-21T11:00:00.000Z',
          },
        ],
      }),
    );
  });
});
