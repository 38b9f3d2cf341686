import { authorizedFetch, stdioAllowed } from './mcp-transport.util';

describe('stdioAllowed', () => {
  const allowlist = ['/usr/bin/node /srv/mcp/everything.js', 'mcp-git'];

  it('allows command lines starting with an allow-listed command line', () => {
    expect(stdioAllowed('/usr/bin/node', ['/srv/mcp/everything.js', 'stdio'], allowlist)).toBe(true);
    expect(stdioAllowed('mcp-git', ['--repo', '/x'], allowlist)).toBe(true);
  });

  it('refuses the interpreter alone, other scripts and anything when the list is empty', () => {
    expect(stdioAllowed('/usr/bin/node', ['-e', 'process.exit()'], allowlist)).toBe(false);
    expect(stdioAllowed('/usr/bin/node', [], allowlist)).toBe(false);
    expect(stdioAllowed('mcp-git2', [], allowlist)).toBe(false);
    expect(stdioAllowed('mcp-git', [], [])).toBe(false);
  });
});

describe('authorizedFetch', () => {
  it('adds the upstream credential and replaces any Authorization already there', async () => {
    const seen: Headers[] = [];
    const base = async (_url: string | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers));
      return new Response('{}');
    };
    await authorizedFetch(base, async () => 'Bearer upstream')('http://x', {
      headers: { authorization: 'Bearer agent' },
    });
    await authorizedFetch(base, async () => undefined)('http://x');
    expect(seen[0].get('authorization')).toBe('Bearer upstream');
    expect(seen[1].get('authorization')).toBeNull();
  });
});
