import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** What a stdio upstream may run, as the operator configured it. */
export interface StdioPolicy {
  /** `MCP_STDIO_ALLOWLIST`: command lines a stdio command line must start with. */
  allowlist: readonly string[];
  /** `MCP_STDIO_ENV_ALLOWLIST`: variable names (or `PREFIX_*`) a registration may set for its child. */
  envAllowlist: readonly string[];
  /** The gateway's `PATH`: a bare command name is resolved through it, never through the child's env. */
  searchPath: string;
}

/** A stdio launch as checked: the command as an absolute path, and what the policy refuses. */
export interface StdioLaunch {
  command: string;
  problems: Array<{ pointer: string; detail: string }>;
}

/** The SDK's baseline variables of every child (the gateway's own), never overridden by a registration. */
const BASELINE = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];
/**
 * Variables a dynamic loader, a language runtime or a shell reads to load or run code, whatever the
 * program: passing one would run code of the registrant's choosing inside an allow-listed command.
 */
const LOADER_NAMES = new Set([
  ...BASELINE,
  'BASH_ENV',
  'BASHOPTS',
  'CDPATH',
  'CLASSPATH',
  'ENV',
  'GCONV_PATH',
  'GLIBC_TUNABLES',
  'HOSTALIASES',
  'IFS',
  'JAVA_TOOL_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'LOCPATH',
  'PERLLIB',
  'PHPRC',
  'PHP_INI_SCAN_DIR',
  'PROMPT_COMMAND',
  'PS4',
  'RESOLV_HOST_CONF',
  'SHELLOPTS',
  'TCLLIBPATH',
  '_JAVA_OPTIONS',
]);
const LOADER_PREFIXES = [
  'BASH_FUNC_',
  'COMPLUS_',
  'CORECLR_',
  'DOTNET_',
  'DYLD_',
  'GEM_',
  'LD_',
  'LUA_',
  'NODE_',
  'NPM_CONFIG_',
  'OPENSSL_',
  'PERL5',
  'PYTHON',
  'RUBY',
];

/** Whether `name` is a loader, interpreter or shell variable (refused whatever the operator allows). */
export function isLoaderVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return LOADER_NAMES.has(upper) || LOADER_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** Whether the operator's `MCP_STDIO_ENV_ALLOWLIST` lets a registration set `name`. */
export function envNameAllowed(name: string, envAllowlist: readonly string[]): boolean {
  return envAllowlist.some((entry) =>
    entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry,
  );
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The absolute path `command` runs: a path (with a `/`) is resolved against the gateway's working
 * directory, a bare name through the gateway's `PATH`; undefined when nothing executable is there.
 */
export function resolveCommand(command: string, searchPath: string): string | undefined {
  if (!command) return undefined;
  if (command.includes('/')) {
    const path = resolve(command);
    return isExecutableFile(path) ? path : undefined;
  }
  for (const dir of searchPath.split(delimiter).filter((entry) => isAbsolute(entry))) {
    const path = join(dir, command);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}

/**
 * Whether a stdio command line is allowed: it must start with one of the allow-listed command lines, the
 * executables compared once both are resolved (so `node` and `/usr/bin/node` name the same file).
 */
export function stdioAllowed(
  command: string,
  args: readonly string[],
  policy: Pick<StdioPolicy, 'allowlist' | 'searchPath'>,
): boolean {
  const executable = resolveCommand(command, policy.searchPath);
  if (!executable) return false;
  return policy.allowlist.some((entry) => {
    const [head, ...rest] = entry.split(/\s+/).filter(Boolean);
    if (!head || resolveCommand(head, policy.searchPath) !== executable) return false;
    return rest.every((token, index) => args[index] === token);
  });
}

/**
 * Checks a stdio launch against the policy: the command line against `MCP_STDIO_ALLOWLIST`, every
 * variable against the loader list and `MCP_STDIO_ENV_ALLOWLIST`. Answers the resolved command and the
 * problems (JSON pointers into the registration).
 */
export function checkStdioLaunch(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  policy: StdioPolicy,
): StdioLaunch {
  const problems: StdioLaunch['problems'] = [];
  const resolved = resolveCommand(command, policy.searchPath);
  if (!resolved) problems.push({ pointer: '/command', detail: 'no executable of that name on the gateway' });
  else if (!stdioAllowed(resolved, args, policy))
    problems.push({
      pointer: '/command',
      detail: 'the command line does not start with an MCP_STDIO_ALLOWLIST entry',
    });
  for (const name of Object.keys(env)) {
    if (isLoaderVariable(name))
      problems.push({
        pointer: `/env/${name}`,
        detail: `${name} is read by loaders, runtimes or shells; never passed to a stdio server`,
      });
    else if (!envNameAllowed(name, policy.envAllowlist))
      problems.push({ pointer: `/env/${name}`, detail: `${name} is not in MCP_STDIO_ENV_ALLOWLIST` });
  }
  return { command: resolved ?? command, problems };
}
