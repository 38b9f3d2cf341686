import { resolve } from 'node:path';

import { CompiledPolicy } from '../engine/compiled-policy.util';
import { formatIssue } from '../loader/policy-document.types';
import { PolicyLoadError, readPolicyFileSync } from '../loader/policy-file.util';
import { invocationDirectory } from '../policy.config';

export interface PolicyCheckResult {
  exitCode: 0 | 1;
  stdout: string;
  stderr: string;
}

/** Validates one policy file offline, as the gateway would load it (parse, validate, compile to CASL). */
export function checkPolicyFile(given: string, cwd: string): PolicyCheckResult {
  const file = resolve(cwd, given);
  const shown = given;
  try {
    const loaded = readPolicyFileSync(file);
    const roles = Object.keys(loaded.document.roles);
    // Builds one CASL ability holding every rule a caller with every role gets, as a request would.
    new CompiledPolicy(loaded).decide(
      { subject: 'policy-check', tenant: 'policy-check', roles, scopes: [], kind: 'jwt' },
      'policy:check',
      {},
    );
    const summary = `${roles.length} roles, ${loaded.document.rules.length} rules, version ${loaded.version}`;
    return { exitCode: 0, stdout: `OK ${shown}: ${summary}\n`, stderr: '' };
  } catch (error) {
    if (!(error instanceof PolicyLoadError)) throw error;
    const lines = error.issues.map((issue) => formatIssue({ ...issue, file: shown }));
    const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}`;
    return { exitCode: 1, stdout: '', stderr: `${lines.join('\n')}\n${shown}: refused (${count})\n` };
  }
}

/** `npm run policy:check -- <file>`: one OK line and exit 0, or every problem on stderr and exit 1. */
function main(argv: string[]): number {
  if (argv.length !== 1) {
    process.stderr.write('usage: npm run policy:check -- <policy-file.yml>\n');
    return 1;
  }
  const result = checkPolicyFile(argv[0], invocationDirectory());
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
