import { canonicalJson, sha256Hex } from '@toolgate/core';

import { type AuditRecordBody, type ChainHead, GENESIS_HASH, type PendingAuditEvent } from '../audit.types';

const text = (value: string | null | undefined): string => JSON.stringify(value ?? null);

/** The canonical text, with `details` already serialized canonically. */
function canonicalText(body: PendingAuditEvent, seq: number, prevHash: string, details: string): string {
  return (
    `{"correlation_id":${text(body.correlation_id)},"decision":${text(body.decision)}` +
    `,"details":${details},"event":${text(body.event)}` +
    `,"payload_digest":${text(body.payload_digest)},"policy_version":${text(body.policy_version)}` +
    `,"prev_hash":${text(prevHash)},"request_id":${text(body.request_id)}` +
    `,"seq":${JSON.stringify(seq)},"status":${text(body.status)},"subject":${text(body.subject)}` +
    `,"tenant":${text(body.tenant)},"tool_id":${text(body.tool_id)},"ts":${text(body.ts)}}`
  );
}

/**
 * The canonical JSON of an event body: every member (absent ones as `null`), keys sorted at every depth,
 * no whitespace. Equal to `canonicalJson(body)`, built without copying the top level.
 */
export function canonicalAuditBody(body: AuditRecordBody): string {
  return canonicalText(body, body.seq, body.prev_hash, canonicalJson(body.details ?? {}));
}

/** `hash` of an event: SHA-256 (hex) of its canonical body, which includes `seq` and `prev_hash`. */
export function hashAuditBody(body: AuditRecordBody): string {
  return sha256Hex(canonicalAuditBody(body));
}

/** A chained event: its place, its hash and its JSON text (a JSONL line, an element of the INSERT). */
export interface LinkedEvent {
  seq: number;
  hash: string;
  json: string;
}

/**
 * Gives pending events their places after `head` (or at the start of the chain) and hashes them. Hot path:
 * `details` of a pending event are key-sorted by construction (`toPendingEvent`), so plain
 * `JSON.stringify` is already canonical there.
 */
export function linkEvents(events: readonly PendingAuditEvent[], head: ChainHead | null): LinkedEvent[] {
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const linked: LinkedEvent[] = new Array<LinkedEvent>(events.length);
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index];
    seq += 1;
    const canonical = canonicalText(event, seq, prev, JSON.stringify(event.details));
    prev = sha256Hex(canonical);
    linked[index] = { seq, hash: prev, json: `{"hash":"${prev}",${canonical.slice(1)}` };
  }
  return linked;
}
