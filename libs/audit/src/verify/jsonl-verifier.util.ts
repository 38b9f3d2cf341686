import { type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

import { type AuditRecord, type ChainHead } from '../audit.types';
import { ChainVerifier } from '../chain/chain-verifier.util';
import { anchorFileOf } from '../mirror/day-file.util';
import { ANCHOR_VERSION, anchorSignatureValid, type AuditAnchor, parseAnchors } from '../mirror/anchor.util';
import { prefixDigests } from './file-digest.util';

export interface FileReport {
  valid: boolean;
  file: string;
  events_checked: number;
  /** 1-based line of the first problem (null when valid or when the problem is a missing tail). */
  first_invalid_line: number | null;
  first_invalid_seq: number | null;
  tenant: string | null;
  reason: string | null;
  /** Last event of each tenant in the file. */
  heads: Record<string, ChainHead>;
  /** Signed anchors checked against the file; 0 when there is no anchor file or no public key. */
  anchors_checked: number;
  latest_anchor: { at: string; reason: string } | null;
}

export interface FileVerifyOptions {
  /** Default: `<file without .jsonl>.anchors.jsonl` beside the file. */
  anchorsPath?: string;
  /** Without it anchors cannot be checked (and a truncated tail cannot be detected). */
  publicKey?: KeyObject;
  /**
   * Each tenant's last event in the earlier day files of the directory: when given, each tenant's first
   * event here must follow it, or be seq 1 for a tenant no earlier file holds (`verifyDayFiles`).
   */
  previous?: ReadonlyMap<string, ChainHead>;
}

const STRINGS = ['tenant', 'ts', 'event', 'prev_hash', 'hash'] as const;

function recordOf(line: string): AuditRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON (damaged or partial line)';
  }
  const record = value as AuditRecord;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'not an event object';
  if (STRINGS.some((key) => typeof record[key] !== 'string') || typeof record.seq !== 'number') {
    return 'missing event members';
  }
  return record;
}

const key = (tenant: string, seq: number): string => `${tenant}\u0000${seq}`;

function emptyReport(file: string): FileReport {
  return {
    valid: true,
    file,
    events_checked: 0,
    first_invalid_line: null,
    first_invalid_seq: null,
    tenant: null,
    reason: null,
    heads: {},
    anchors_checked: 0,
    latest_anchor: null,
  };
}

/** What the file holds, for the anchors: hashes at anchored positions, each tenant's first event. */
interface FileFacts {
  seen: Map<string, string>;
  firsts: Map<string, ChainHead>;
  digests: Map<number, string>;
  size: number;
}

/** A tenant's chain in the file: a segment, or the continuation of where the earlier files left it. */
function chainOf(tenant: string, previous: ReadonlyMap<string, ChainHead> | undefined): ChainVerifier {
  return previous ? new ChainVerifier(true, previous.get(tenant)) : new ChainVerifier(false);
}

/** Why a tenant's chain broke; at its first event in the file, where the earlier files left it. */
function chainProblem(chain: ChainVerifier, tenant: string, previous?: ReadonlyMap<string, ChainHead>) {
  const { events_checked, first_invalid_seq, reason } = chain.report();
  if (!previous || events_checked > 0) return { first_invalid_seq, reason, tenant };
  const before = previous.get(tenant);
  const context = before ? `the earlier day files end at seq ${before.seq}` : 'no earlier day file has it';
  return { first_invalid_seq, reason: `${reason} (its first event in this file; ${context})`, tenant };
}

/** Checks each tenant's chain line by line; remembers the hashes found at the `anchored` positions. */
async function scanChains(
  path: string,
  anchored: Set<string>,
  facts: FileFacts,
  previous?: ReadonlyMap<string, ChainHead>,
): Promise<FileReport> {
  const { seen, firsts } = facts;
  const report = emptyReport(path);
  const chains = new Map<string, ChainVerifier>();
  const input = createReadStream(path);
  let line = 0;
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line += 1;
      const record = recordOf(text);
      if (typeof record === 'string')
        return { ...report, valid: false, first_invalid_line: line, reason: record };
      let chain = chains.get(record.tenant);
      if (!chain) chains.set(record.tenant, (chain = chainOf(record.tenant, previous)));
      if (!chain.push(record)) {
        const problem = chainProblem(chain, record.tenant, previous);
        return { ...report, ...problem, valid: false, first_invalid_line: line };
      }
      report.events_checked += 1;
      if (!firsts.has(record.tenant)) firsts.set(record.tenant, { seq: record.seq, hash: record.hash });
      report.heads[record.tenant] = { seq: record.seq, hash: record.hash };
      if (anchored.has(key(record.tenant, record.seq))) seen.set(key(record.tenant, record.seq), record.hash);
    }
  } finally {
    input.destroy();
  }
  return report;
}

/**
 * Verifies one JSONL day file on its own (it shares no state with the writer): within each tenant the
 * lines form an unbroken chain (seq +1, prev_hash links, hashes recomputed); then every signed anchor of
 * the file must hold: the file is at least as long as it was, its first `bytes` bytes are those anchored
 * (format 2), and each tenant's anchored first event (format 2) and head are in it unchanged. With
 * `previous`, each tenant's first line must also continue the earlier day files (`verifyDayFiles`).
 */
export async function verifyJsonlFile(path: string, options: FileVerifyOptions = {}): Promise<FileReport> {
  const size = statSync(path).size;
  const anchors = loadAnchors(options.anchorsPath ?? join(dirname(path), anchorFileOf(basename(path))));
  const anchored = new Set(
    anchors.flatMap((anchor) => Object.entries(anchor?.heads ?? {}).map(([t, head]) => key(t, head.seq))),
  );
  const facts: FileFacts = { seen: new Map(), firsts: new Map(), digests: new Map(), size };
  const report = await scanChains(path, anchored, facts, options.previous);
  if (!report.valid || !options.publicKey) return report;
  const lengths = anchors.flatMap((anchor) => (anchor?.sha256 !== undefined ? [anchor.bytes] : []));
  facts.digests = await prefixDigests(path, lengths);
  for (const [index, anchor] of anchors.entries()) {
    const problem = anchorProblem(anchor, options.publicKey, basename(path), facts);
    if (problem)
      return { ...report, ...problem, valid: false, reason: `anchor ${index + 1}: ${problem.reason}` };
    report.anchors_checked += 1;
    report.latest_anchor = { at: anchor!.at, reason: anchor!.reason };
  }
  return report;
}

function loadAnchors(path: string): (AuditAnchor | null)[] {
  return existsSync(path) ? parseAnchors(readFileSync(path, 'utf8')) : [];
}

type AnchorProblem = Pick<FileReport, 'reason' | 'tenant' | 'first_invalid_seq'>;

const fileProblem = (reason: string): AnchorProblem => ({ reason, tenant: null, first_invalid_seq: null });

function anchorProblem(
  anchor: AuditAnchor | null,
  publicKey: KeyObject,
  file: string,
  facts: FileFacts,
): AnchorProblem | null {
  if (!anchor || !anchorSignatureValid(anchor, publicKey)) return fileProblem('not a validly signed anchor');
  if (anchor.file !== file) return fileProblem(`names ${anchor.file}`);
  const version = anchor.version ?? 1;
  if (version > ANCHOR_VERSION) return fileProblem(`anchor format ${version} is not supported`);
  if (version >= 2 && (typeof anchor.sha256 !== 'string' || typeof anchor.firsts !== 'object'))
    return fileProblem('a format 2 anchor without sha256 or firsts');
  if (facts.size < anchor.bytes) {
    return fileProblem(
      `the file has ${facts.size} bytes, ${anchor.bytes} when anchored at ${anchor.at}: its tail was cut`,
    );
  }
  for (const [tenant, first] of Object.entries(anchor.firsts ?? {})) {
    const found = facts.firsts.get(tenant);
    if (found?.seq !== first.seq || found.hash !== first.hash) {
      const now = found ? `is seq ${found.seq}` : 'is missing';
      return {
        reason: `the first event of ${tenant} ${now}, seq ${first.seq} when anchored at ${anchor.at}: its head was cut or altered`,
        tenant,
        first_invalid_seq: first.seq,
      };
    }
  }
  if (anchor.sha256 !== undefined && facts.digests.get(anchor.bytes) !== anchor.sha256) {
    return fileProblem(`the first ${anchor.bytes} bytes differ from those anchored at ${anchor.at}: altered`);
  }
  for (const [tenant, head] of Object.entries(anchor.heads)) {
    const hash = facts.seen.get(key(tenant, head.seq));
    if (hash === undefined) {
      return {
        reason: `seq ${head.seq} of ${tenant}, anchored at ${anchor.at}, is missing`,
        tenant,
        first_invalid_seq: head.seq,
      };
    }
    if (hash !== head.hash) {
      return {
        reason: `seq ${head.seq} of ${tenant} differs from its anchor`,
        tenant,
        first_invalid_seq: head.seq,
      };
    }
  }
  return null;
}
