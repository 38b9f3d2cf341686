import { type AuditRecord } from '../audit.types';
import { linkEvents } from './audit-hash.util';
import { pending } from '../testing/audit-events.util';
import { ChainVerifier } from './chain-verifier.util';

const chain = (length: number): AuditRecord[] =>
  linkEvents(
    Array.from({ length }, (_, i) => pending({ request_id: `req-${i}` })),
    null,
  ).map((event) => JSON.parse(event.json) as AuditRecord);

function verify(records: AuditRecord[], fromGenesis = true) {
  const verifier = new ChainVerifier(fromGenesis);
  for (const record of records) verifier.push(record);
  return verifier.report();
}

describe('ChainVerifier', () => {
  it('accepts an intact chain and reports its head', () => {
    const records = chain(5);
    expect(verify(records)).toEqual({
      valid: true,
      events_checked: 5,
      first_invalid_seq: null,
      reason: null,
      head: { seq: 5, hash: records[4].hash },
    });
    expect(verify([])).toMatchObject({ valid: true, events_checked: 0, head: null });
  });

  it('detects an edited event', () => {
    const records = chain(5);
    records[2] = { ...records[2], subject: 'someone-else' };
    expect(verify(records)).toMatchObject({ valid: false, events_checked: 2, first_invalid_seq: 3 });
    expect(verify(records).reason).toMatch(/altered/);
  });

  it('detects a deleted event (gap) and a deleted first event', () => {
    const records = chain(5);
    expect(verify([...records.slice(0, 2), ...records.slice(3)])).toMatchObject({
      valid: false,
      first_invalid_seq: 3,
      reason: 'seq 3 is missing',
    });
    expect(verify(records.slice(1))).toMatchObject({ valid: false, first_invalid_seq: 1 });
  });

  it('detects reordered and repeated events', () => {
    const records = chain(5);
    expect(verify([records[0], records[2], records[1], records[3]])).toMatchObject({ valid: false });
    expect(verify([records[0], records[1], records[1]])).toMatchObject({
      valid: false,
      first_invalid_seq: 2,
    });
    // Swapping seq values (re-sequencing) breaks the hashes of both.
    const swapped = [records[0], { ...records[2], seq: 2 }, { ...records[1], seq: 3 }];
    expect(verify(swapped)).toMatchObject({ valid: false, first_invalid_seq: 2 });
  });

  it('detects an inserted event even when it links to its predecessor', () => {
    const records = chain(3);
    const forged = JSON.parse(
      linkEvents([pending({ subject: 'forger' })], { seq: 1, hash: records[0].hash })[0].json,
    ) as AuditRecord;
    expect(verify([records[0], forged, { ...records[1], seq: 3 }, { ...records[2], seq: 4 }])).toMatchObject({
      valid: false,
      first_invalid_seq: 3,
    });
  });

  it('checks a segment from wherever it starts, but seq 1 must link to genesis', () => {
    const records = chain(4);
    expect(verify(records.slice(2), false)).toMatchObject({ valid: true, events_checked: 2 });
    expect(verify(records.slice(2), true)).toMatchObject({ valid: false, first_invalid_seq: 1 });
    const unrooted = { ...records[0], prev_hash: 'ff'.repeat(32) };
    expect(verify([unrooted], false)).toMatchObject({ valid: false, first_invalid_seq: 1 });
  });
});
