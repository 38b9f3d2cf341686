import { canonicalJson, sha256Hex } from '@toolgate/core';

import { type AuditRecordBody, type ChainHead, GENESIS_HASH, type PendingAuditEvent } from '../audit.types';

const text = (value: string | null | undefined): string => JSON.stringify(value ?? null);

/**
 * The canonical JSON of an event body: every member (absent ones as `null`), keys sorted at every depth,
 * no whitespace. Equal to `canonicalJson(body)`, built without copying the top level. The writer hashes
 * this text and the verifiers recompute it: they agree by construction.
 */
export function canonicalAuditBody(body: AuditRecordBody): string {
  return (
    `{"correlation_id":${text(body.correlation_id)},"decision":${text(body.decision)}` +
    `,"details":${canonicalJson(body.details ?? {})},"event":${text(body.event)}` +
    `,"payload_digest":${text(body.payload_digest)},"policy_version":${text(body.policy_version)}` +
    `,"prev_hash":${text(body.prev_hash)},"request_id":${text(body.request_id)}` +
    `,"seq":${JSON.stringify(body.seq)},"status":${text(body.status)},"subject":${text(body.subject)}` +
    `,"tenant":${text(body.tenant)},"tool_id":${text(body.tool_id)},"ts":${text(body.ts)}}`
  );
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
 * Gives pending events their places after `head` (or at the start of the chain) and hashes them. `details`
 * go through `canonicalAuditBody`, the function the verifiers recompute hashes with: what is hashed, stored and
 * mirrored is the canonical text whatever order the members of `details` were built in.
 */
export function linkEvents(events: readonly PendingAuditEvent[], head: ChainHead | null): LinkedEvent[] {
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const linked: LinkedEvent[] = new Array<LinkedEvent>(events.length);
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index];
    seq += 1;
    const canonical = canonicalAuditBody({ ...event, seq, prev_hash: prev });
    prev = sha256Hex(canonical);
    linked[index] = { seq, hash: prev, json: `{"hash":"${prev}",${canonical.slice(1)}` };
  }
  return linked;
}
