import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { checkStdioLaunch, isLoaderVariable, resolveCommand, stdioAllowed } from './mcp-stdio-policy.util';

const node = process.execPath;
const policy = {
  allowlist: [`${node} /srv/mcp/everything.js`, 'mcp-git'],
  envAllowlist: ['LOG_LEVEL', 'GIT_AUTHOR_*'],
  searchPath: '',
};

describe('stdio policy', () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'mcp-bin-'));
    writeFileSync(join(bin, 'mcp-git'), '#!/bin/sh\n');
    chmodSync(join(bin, 'mcp-git'), 0o755);
    policy.searchPath = `${bin}:${dirname(node)}`;
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  it('allows command lines starting with an allow-listed command line, executables compared resolved', () => {
    expect(stdioAllowed(node, ['/srv/mcp/everything.js', 'stdio'], policy)).toBe(true);
    expect(stdioAllowed(basename(node), ['/srv/mcp/everything.js'], policy)).toBe(true);
    expect(stdioAllowed('mcp-git', ['--repo', '/x'], policy)).toBe(true);
    expect(stdioAllowed(join(bin, 'mcp-git'), [], policy)).toBe(true);
  });

  it('refuses the interpreter alone, other scripts, unknown commands and anything when the list is empty', () => {
    expect(stdioAllowed(node, ['-e', 'process.exit()'], policy)).toBe(false);
    expect(stdioAllowed(node, [], policy)).toBe(false);
    expect(stdioAllowed('mcp-git2', [], policy)).toBe(false);
    expect(stdioAllowed('mcp-git', [], { ...policy, allowlist: [] })).toBe(false);
  });

  it('resolves a bare name through the gateway PATH only, and a path as written', () => {
    expect(resolveCommand('mcp-git', policy.searchPath)).toBe(join(bin, 'mcp-git'));
    expect(resolveCommand('mcp-git', '')).toBeUndefined();
    expect(resolveCommand(`${bin}/../${basename(bin)}/mcp-git`, '')).toBe(join(bin, 'mcp-git'));
    expect(resolveCommand('/nonexistent/node', policy.searchPath)).toBeUndefined();
  });

  it('names loader, interpreter and shell variables', () => {
    for (const name of [
      'NODE_OPTIONS',
      'NODE_PATH',
      'LD_PRELOAD',
      'DYLD_INSERT_LIBRARIES',
      'PATH',
      'PYTHONPATH',
      'PERL5OPT',
      'PERLLIB',
      'RUBYOPT',
      'BASH_ENV',
      'ENV',
      'SHELLOPTS',
      'PS4',
      'GCONV_PATH',
      'JAVA_TOOL_OPTIONS',
      '_JAVA_OPTIONS',
      'GLIBC_TUNABLES',
      'HOME',
    ])
      expect(isLoaderVariable(name)).toBe(true);
    expect(isLoaderVariable('LOG_LEVEL')).toBe(false);
  });

  it('refuses loader variables even when allow-listed, and any variable the operator did not allow', () => {
    const launch = checkStdioLaunch(
      node,
      ['/srv/mcp/everything.js'],
      { NODE_OPTIONS: '--import=data:,x', LOG_LEVEL: 'info', GIT_AUTHOR_NAME: 'a', OTHER: '1' },
      { ...policy, envAllowlist: [...policy.envAllowlist, 'NODE_*'] },
    );
    expect(launch.command).toBe(node);
    expect(launch.problems).toEqual([
      { pointer: '/env/NODE_OPTIONS', detail: expect.stringContaining('never passed') },
      { pointer: '/env/OTHER', detail: 'OTHER is not in MCP_STDIO_ENV_ALLOWLIST' },
    ]);
    expect(checkStdioLaunch('nope', [], {}, policy).problems[0].pointer).toBe('/command');
  });
});
