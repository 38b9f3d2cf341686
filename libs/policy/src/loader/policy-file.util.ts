import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import { type Document, isNode, LineCounter, parseDocument } from 'yaml';

import { formatIssue, type PolicyDocument, type PolicyIssue } from './policy-document.types';
import { validatePolicyDocument } from './policy-validation.util';

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ALIASES = 100;

/** A policy file that passed validation. */
export interface LoadedPolicy {
  file: string;
  document: PolicyDocument;
  /** Short sha256 of the file content: the policy version every decision carries. */
  version: string;
}

/** The file was refused; `issues` lists every problem found (each names file, rule and key). */
export class PolicyLoadError extends Error {
  constructor(
    readonly file: string,
    readonly issues: PolicyIssue[],
  ) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`Policy file refused: ${formatIssue(issues[0])}${more}`);
    this.name = 'PolicyLoadError';
  }
}

export function policyVersion(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

function lineOf(issue: PolicyIssue, doc: Document, lines: LineCounter): number | undefined {
  for (let depth = issue.path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(issue.path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Parses and validates policy YAML; throws `PolicyLoadError` with every problem when it is refused. */
export function parsePolicy(content: string, file: string): LoadedPolicy {
  const lines = new LineCounter();
  const doc = parseDocument(content, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => ({
      file,
      path: [],
      line: error.linePos?.[0].line,
      message: `invalid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`,
    }));
    throw new PolicyLoadError(file, issues);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // Too many alias expansions (at most MAX_ALIASES), or another structure YAML cannot turn into JSON.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PolicyLoadError(file, [{ file, path: [], message: `invalid YAML: ${reason}` }]);
  }
  const validation = validatePolicyDocument(value, file);
  if (!validation.document) {
    const issues = validation.issues.map((issue) => ({ ...issue, line: lineOf(issue, doc, lines) }));
    throw new PolicyLoadError(file, issues);
  }
  return { file, document: validation.document, version: policyVersion(content) };
}

function checkedContent(buffer: Buffer, file: string): string {
  if (buffer.byteLength > MAX_FILE_BYTES) {
    throw new PolicyLoadError(file, [{ file, path: [], message: `is larger than ${MAX_FILE_BYTES} bytes` }]);
  }
  return buffer.toString('utf8');
}

function unreadable(file: string, error: unknown): PolicyLoadError {
  const reason = error instanceof Error ? error.message : String(error);
  return new PolicyLoadError(file, [{ file, path: [], message: `cannot be read: ${reason}` }]);
}

export async function readPolicyFile(file: string): Promise<LoadedPolicy> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  return parsePolicy(checkedContent(buffer, file), file);
}

export function readPolicyFileSync(file: string): LoadedPolicy {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  return parsePolicy(checkedContent(buffer, file), file);
}
