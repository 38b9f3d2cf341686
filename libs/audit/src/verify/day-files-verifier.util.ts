import { type KeyObject } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { type ChainHead } from '../audit.types';
import { type FileReport, verifyJsonlFile } from './jsonl-verifier.util';

const DAY_FILE = /^audit-\d{8}\.jsonl$/;

export interface DayFilesReport {
  valid: boolean;
  dir: string;
  files_checked: number;
  events_checked: number;
  /** The report of the first day file that does not verify (null when all do). */
  invalid_file: FileReport | null;
  /** Last event of each tenant in the directory. */
  heads: Record<string, ChainHead>;
}

/**
 * Verifies every day file of a mirror directory, oldest first, each with its signed anchors
 * (`verifyJsonlFile`), and that the files join up: each tenant's first event in a file follows its last
 * event in the newest earlier file that holds the tenant, or is seq 1 when none does. A committed event
 * missing between two days, or a whole day file removed, breaks that link.
 */
export async function verifyDayFiles(dir: string, publicKey?: KeyObject): Promise<DayFilesReport> {
  const names = readdirSync(dir)
    .filter((name) => DAY_FILE.test(name))
    .sort();
  const previous = new Map<string, ChainHead>();
  const report: DayFilesReport = {
    valid: true,
    dir,
    files_checked: 0,
    events_checked: 0,
    invalid_file: null,
    heads: {},
  };
  for (const name of names) {
    const file = await verifyJsonlFile(join(dir, name), { publicKey, previous });
    report.events_checked += file.events_checked;
    if (!file.valid) return { ...report, valid: false, invalid_file: file };
    report.files_checked += 1;
    for (const [tenant, head] of Object.entries(file.heads)) previous.set(tenant, head);
  }
  return { ...report, heads: Object.fromEntries([...previous].sort(([a], [b]) => (a < b ? -1 : 1))) };
}
