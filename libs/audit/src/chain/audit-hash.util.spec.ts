import { createHash } from 'node:crypto';

import { canonicalJson } from '@toolgate/core';

import { type AuditRecordBody, GENESIS_HASH } from '../audit.types';
import { pending } from '../testing/audit-events.util';
import { canonicalAuditBody, hashAuditBody, linkEvents } from './audit-hash.util';
import { ChainVerifier } from './chain-verifier.util';

const sha256 = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

describe('audit event hashing', () => {
  const body: AuditRecordBody = { ...pending(), seq: 7, prev_hash: 'cd'.repeat(32) };

  it('builds exactly the canonical JSON of the body (sorted keys at every depth, nulls kept)', () => {
    expect(canonicalAuditBody(body)).toBe(canonicalJson(body));
    const sparse = { ...body, subject: null, tool_id: null, details: {} };
    expect(canonicalAuditBody(sparse)).toBe(canonicalJson(sparse));
    expect(canonicalAuditBody(body)).toContain('"details":{"a":{"c":"x","z":[3,{"x":null,"y":"é"}]},"b":1}');
  });

  it('hashes SHA-256 over the canonical body, which covers seq and prev_hash', () => {
    expect(hashAuditBody(body)).toBe(sha256(canonicalJson(body)));
    expect(hashAuditBody({ ...body, seq: 8 })).not.toBe(hashAuditBody(body));
    expect(hashAuditBody({ ...body, prev_hash: 'ce'.repeat(32) })).not.toBe(hashAuditBody(body));
    expect(hashAuditBody({ ...body, details: { ...body.details, b: 2 } })).not.toBe(hashAuditBody(body));
  });

  it('links events after a head, each prev_hash the previous hash, starting at genesis', () => {
    const first = linkEvents([pending(), pending({ status: 'ok' })], null);
    const records = first.map((event) => JSON.parse(event.json));
    expect(records.map((record) => record.seq)).toEqual([1, 2]);
    expect(records[0].prev_hash).toBe(GENESIS_HASH);
    expect(records[1].prev_hash).toBe(first[0].hash);
    const next = linkEvents([pending()], { seq: 2, hash: first[1].hash });
    expect(JSON.parse(next[0].json)).toMatchObject({ seq: 3, prev_hash: first[1].hash });
  });

  it('hashes the canonical text whatever order details were built in; the verifier agrees after jsonb', () => {
    const unsorted = pending({ details: { b: { z: 1, a: 2 }, a: 'x\ufffd', '10': 1, '9': 2 } });
    const [event] = linkEvents([unsorted], null);
    expect(event.json).toContain('"details":{"9":2,"10":1,"a":"x\ufffd","b":{"a":2,"z":1}}');
    // jsonb keeps no member order: the verifier sees the members in any order.
    const stored = JSON.parse(event.json);
    stored.details = { b: { a: 2, z: 1 }, '9': 2, a: 'x\ufffd', '10': 1 };
    const verifier = new ChainVerifier(true);
    expect(verifier.push(stored)).toBe(true);
  });

  it('serializes each event as one JSON line holding exactly the record', () => {
    const [event] = linkEvents([pending()], null);
    expect(event.json).not.toContain('\n');
    const record = JSON.parse(event.json);
    expect(record).toMatchObject({ seq: 1, hash: event.hash, details: pending().details });
    expect(Object.keys(record).sort()).toEqual([...Object.keys(body), 'hash'].sort());
    // What the hot path wrote is what an independent verifier recomputes (canonicalJson of the parsed line).
    const { hash, ...rest } = record;
    expect(sha256(canonicalJson(rest))).toBe(hash);
    expect(hashAuditBody(record)).toBe(event.hash);
  });
});
