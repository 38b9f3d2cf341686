import { type AuditRecord, type ChainHead, type ChainReport, GENESIS_HASH } from '../audit.types';
import { hashAuditBody } from './audit-hash.util';

const HASH = /^[0-9a-f]{64}$/;

/**
 * Checks one tenant's chain event by event, in the order given: `seq` rises by one (no gap, no repeat,
 * no reordering), each `prev_hash` is the previous event's `hash`, and each `hash` is recomputed from the
 * event itself (any edited member changes it). Stops at the first invalid event.
 */
export class ChainVerifier {
  private checked = 0;
  private head: ChainHead | null = null;
  private invalid: { seq: number; reason: string } | null = null;

  /**
   * @param fromGenesis the first event must be seq 1 linked to the genesis hash (a whole chain); false
   * for a segment (a day file), which may start anywhere but is still checked from its first event on.
   * @param after where the chain stood before (its last event in an earlier day file): the first event
   * must follow it.
   */
  constructor(
    private readonly fromGenesis = true,
    after?: ChainHead,
  ) {
    this.head = after ? { seq: after.seq, hash: after.hash } : null;
  }

  get failed(): boolean {
    return this.invalid !== null;
  }

  /** Checks the next event; false once the chain is invalid (later events are not looked at). */
  push(record: AuditRecord): boolean {
    if (this.invalid) return false;
    const reason = this.problemOf(record);
    if (reason) {
      this.invalid = { seq: reason.seq, reason: reason.text };
      return false;
    }
    this.checked += 1;
    this.head = { seq: record.seq, hash: record.hash };
    return true;
  }

  report(): ChainReport {
    return {
      valid: this.invalid === null,
      events_checked: this.checked,
      first_invalid_seq: this.invalid?.seq ?? null,
      reason: this.invalid?.reason ?? null,
      head: this.head,
    };
  }

  private problemOf(record: AuditRecord): { seq: number; text: string } | null {
    const seq = record.seq;
    if (!Number.isSafeInteger(seq) || seq < 1)
      return { seq: this.nextSeq(), text: 'seq is not a positive integer' };
    if (this.head) {
      if (seq < this.head.seq + 1)
        return { seq, text: `seq ${seq} repeats or goes back (after ${this.head.seq})` };
      if (seq > this.head.seq + 1)
        return { seq: this.head.seq + 1, text: `seq ${this.head.seq + 1} is missing` };
      if (record.prev_hash !== this.head.hash)
        return { seq, text: 'prev_hash does not match the previous event' };
    } else if (this.fromGenesis && seq !== 1) {
      return { seq: 1, text: `the chain starts at seq ${seq}, not 1` };
    }
    if (seq === 1 && record.prev_hash !== GENESIS_HASH) {
      return { seq, text: 'the first event does not link to the genesis hash' };
    }
    if (!HASH.test(record.hash ?? '') || hashAuditBody(record) !== record.hash) {
      return { seq, text: 'hash does not match the event (altered)' };
    }
    return null;
  }

  private nextSeq(): number {
    return (this.head?.seq ?? 0) + 1;
  }
}
