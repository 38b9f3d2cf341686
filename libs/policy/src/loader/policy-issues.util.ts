import { type PolicyIssue } from './policy-document.types';

export type IssuePath = (string | number)[];

/** Collects the reasons a policy file is refused, each naming the file, the rule and the key. */
export class IssueCollector {
  readonly issues: PolicyIssue[] = [];

  constructor(readonly file: string) {}

  add(path: IssuePath, message: string, rule?: string): void {
    const inRule = path[0] === 'rules' && typeof path[1] === 'number';
    const keyPath = inRule ? path.slice(2) : path;
    const key = keyPath.length > 0 ? keyPath.map(String).join('.') : undefined;
    this.issues.push({ file: this.file, path, rule, key, message });
  }
}

/** Reports one issue per unexpected key of a mapping. */
export function reportUnknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  report: (path: IssuePath, message: string) => void,
  prefix: IssuePath = [],
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) report([...prefix, key], `unknown key (allowed: ${allowed.join(', ')})`);
  }
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeValue(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}
