import { type KeyObject } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { type ChainHead } from '../audit.types';
import { repairTail, scanFile, signedAnchorsOf, type TailRepair } from './day-file.util';

const DAY_FILE = /^audit-\d{8}\.jsonl$/;

/** Called for each day file whose unfinished last line was repaired. */
export type OnTailRepair = (file: string, repair: TailRepair) => void;

/** Most bytes a signed anchor of the file covers (0 without anchors). */
export function anchoredBytes(dir: string, name: string, publicKey: KeyObject): number {
  return Math.max(0, ...signedAnchorsOf(dir, name, publicKey).map((anchor) => anchor.bytes));
}

/**
 * The last event of each tenant in one day file: from its signed anchor when one covers the whole file
 * (nothing to read), else by reading the file (a crash left its tail unanchored; an unfinished last line
 * is repaired first).
 */
async function headsOf(
  dir: string,
  name: string,
  publicKey: KeyObject,
  onRepair: OnTailRepair,
): Promise<Iterable<[string, ChainHead]>> {
  const path = join(dir, name);
  const anchors = signedAnchorsOf(dir, name, publicKey);
  const whole = anchors.find((anchor) => anchor.bytes === statSync(path).size);
  if (whole) return Object.entries(whole.heads).map(([tenant, { seq, hash }]) => [tenant, { seq, hash }]);
  const repair = repairTail(path, Math.max(0, ...anchors.map((anchor) => anchor.bytes)));
  if (repair) onRepair(name, repair);
  return (await scanFile(path)).heads;
}

/**
 * Where each tenant's chain stands in the day files of `dir` before day file `today`: its last event in
 * the newest file that holds it. The mirror's next line of that tenant must follow it, whatever day.
 */
export async function earlierHeads(
  dir: string,
  today: string,
  publicKey: KeyObject,
  onRepair: OnTailRepair,
): Promise<Map<string, ChainHead>> {
  const heads = new Map<string, ChainHead>();
  const names = readdirSync(dir)
    .filter((name) => DAY_FILE.test(name) && name < today)
    .sort()
    .reverse();
  for (const name of names) {
    for (const [tenant, head] of await headsOf(dir, name, publicKey, onRepair)) {
      if (!heads.has(tenant)) heads.set(tenant, head);
    }
  }
  return heads;
}
