import { type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type ChainHead, type ChainReport } from '../audit.types';
import { anchorSignatureValid, type AuditAnchor, parseAnchors } from '../mirror/anchor.util';
import { type RowQuery } from './stored-chain.util';

/** A head the stored chain must still contain: from a signed anchor, or this gateway's own last write. */
export interface ExpectedHead extends ChainHead {
  source: string;
}

const ANCHOR_FILE = /^audit-\d{8}\.anchors\.jsonl$/;

/** Every anchor in the anchor files of `dir` (signatures not checked yet). */
function* anchorsIn(dir: string): Generator<AuditAnchor> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => ANCHOR_FILE.test(name));
  } catch {
    return;
  }
  for (const name of names) {
    for (const anchor of parseAnchors(readFileSync(join(dir, name), 'utf8'))) {
      if (anchor?.heads) yield anchor;
    }
  }
}

/**
 * The most recent validly signed anchored head of each tenant named by the anchors in `dir` (of `tenant`
 * only, when given: then only the anchors naming it have their signature checked).
 */
export function latestAnchoredHeads(
  dir: string,
  publicKey: KeyObject,
  tenant?: string,
): Map<string, ExpectedHead> {
  const best = new Map<string, ExpectedHead>();
  for (const anchor of anchorsIn(dir)) {
    const heads = Object.entries(anchor.heads).filter(([name]) => tenant === undefined || name === tenant);
    if (heads.length === 0 || !anchorSignatureValid(anchor, publicKey)) continue;
    for (const [name, head] of heads) {
      if ((best.get(name)?.seq ?? 0) < head.seq)
        best.set(name, { ...head, source: `signed anchor of ${anchor.file} at ${anchor.at}` });
    }
  }
  return best;
}

/** The most recent validly signed anchored head of `tenant` among the anchor files in `dir`. */
export function latestAnchoredHead(dir: string, publicKey: KeyObject, tenant: string): ExpectedHead | null {
  return latestAnchoredHeads(dir, publicKey, tenant).get(tenant) ?? null;
}

/**
 * A chain that verified on its own can still have lost its tail (rows deleted from the end) or have been
 * rewritten from some point on with recomputed hashes. Each expected head catches both: the chain must
 * reach its seq, with the same hash there.
 */
export async function checkExpectedHeads(
  query: RowQuery,
  tenant: string,
  report: ChainReport,
  expected: readonly (ExpectedHead | null | undefined)[],
): Promise<ChainReport> {
  if (!report.valid) return report;
  for (const head of expected) {
    if (!head) continue;
    const reached = report.head?.seq ?? 0;
    if (reached === 0) {
      const reason = `the chain has no events, but ${head.source} records seq ${head.seq}: it was removed`;
      return invalid(report, 1, reason);
    }
    if (reached < head.seq) {
      return invalid(
        report,
        reached + 1,
        `the chain ends at seq ${reached}, but ${head.source} records seq ${head.seq}: its tail was removed`,
      );
    }
    const [row] = await query<{ hash: string }>(
      'SELECT hash FROM audit_events WHERE tenant = $1 AND seq = $2',
      [tenant, head.seq],
    );
    if (row?.hash !== head.hash) {
      return invalid(
        report,
        head.seq,
        `seq ${head.seq} differs from ${head.source}: the chain was rewritten`,
      );
    }
  }
  return report;
}

function invalid(report: ChainReport, seq: number, reason: string): ChainReport {
  return { ...report, valid: false, first_invalid_seq: seq, reason };
}
