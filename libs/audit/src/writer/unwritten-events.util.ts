import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

import { type PendingAuditEvent } from '../audit.types';
import { dayFileName } from '../mirror/day-file.util';

/**
 * `audit-YYYYMMDD.unwritten.jsonl` of a UTC day, beside the day files of the JSONL mirror: the events the
 * database never got (the pool had closed). The mirror's readers and verifiers do not read it: its lines
 * have no place in a chain.
 */
export function unwrittenFileName(date: Date): string {
  return dayFileName(date).replace(/\.jsonl$/, '.unwritten.jsonl');
}

/**
 * Appends `events` to the day's unwritten-events file in `dir`, synchronously (on disk before the caller
 * goes on), one line each: the event as it would have been stored, without its place in the chain (`seq`,
 * `prev_hash`, `hash`), and `unwritten_reason`. Returns the file's name; throws when it cannot be written.
 */
export function appendUnwritten(
  dir: string,
  events: readonly PendingAuditEvent[],
  reason: string,
  now = new Date(),
): string {
  const name = unwrittenFileName(now);
  const lines = events.map((event) => `${JSON.stringify({ ...event, unwritten_reason: reason })}\n`);
  appendFileSync(join(dir, name), lines.join(''), { mode: 0o640 });
  return name;
}
