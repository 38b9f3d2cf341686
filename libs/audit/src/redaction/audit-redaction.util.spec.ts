import { canonicalJson } from '@toolgate/core';

import { toPendingEvent } from '../audit-event.util';
import { AUDIT_LIMITS, redactDetails } from './audit-redaction.util';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLWJ5dGVz';

describe('audit redaction', () => {
  it('masks secret-named members at any depth, whatever the manifest says', () => {
    const out = redactDetails({
      arguments: {
        password: 'hunter2',
        nested: { api_key: 'k', action_token: 't', Authorization: 'Bearer x' },
      },
      client_secret: 's',
      refresh_token: 'r',
      max_tokens: 10,
    });
    expect(out).toEqual({
      arguments: {
        nested: { Authorization: '[REDACTED]', action_token: '[REDACTED]', api_key: '[REDACTED]' },
        password: '[REDACTED]',
      },
      client_secret: '[REDACTED]',
      max_tokens: 10,
      refresh_token: '[REDACTED]',
    });
  });

  it("masks the tool's sensitive_fields by name at any depth and by dotted path from the arguments", () => {
    const details = {
      arguments: { reason: 'private', card: { number: '4111', holder: 'Ann' }, keep: 'ok' },
      card: { number: 'not an argument' },
    };
    const expected = {
      arguments: { card: { holder: 'Ann', number: '[REDACTED]' }, keep: 'ok', reason: '[REDACTED]' },
      card: { number: 'not an argument' },
    };
    expect(redactDetails(details, ['Reason', 'card.number'])).toEqual(expected);
    // The form earlier releases documented for the audit trail still hides the same member.
    expect(redactDetails(details, ['Reason', 'arguments.card.number'])).toEqual(expected);
  });

  it('masks values that are credentials whatever they are called', () => {
    const out = redactDetails({
      note: JWT,
      key: `tg_${'a'.repeat(30)}`,
      header: 'Bearer abcdefghijkl',
      plain: 'eyJ',
    });
    expect(out).toEqual({ header: '[REDACTED]', key: '[REDACTED]', note: '[REDACTED]', plain: 'eyJ' });
    expect(JSON.stringify(out)).not.toContain('eyJhbGci');
  });

  it('masks secrets under any casing and credentials inside longer strings, keeping the rest', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudC0xIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const out = redactDetails({
      arguments: {
        AccessToken: 'at-123',
        SecretAccessKey: 'AKIA/secret-1',
        clientsecret: 'cs-456',
        DBPassword: 'hunter2',
        nested: [[{ AuthToken: 'q-789', maxTokens: 256 }]],
        headers: [`Authorization: Bearer ${jwt}`, 'Accept: application/json'],
        callback: `https://example.com/cb?token=${jwt}`,
        note: `use key tg_${'a'.repeat(24)} please`,
        header_pairs: [['Authorization', 'Basic dXNlcjpzM2NyM3RwYXNz']],
        dsn: 'postgres://admin:s3cr3t-pw@db.internal:5432/prod',
      },
    });
    const text = JSON.stringify(out);
    for (const secret of [
      'at-123',
      'AKIA/secret-1',
      'cs-456',
      'hunter2',
      'q-789',
      jwt,
      'tg_aaaa',
      'dXNlcjpz',
      's3cr3t',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(out.arguments).toMatchObject({
      nested: [[{ AuthToken: '[REDACTED]', maxTokens: 256 }]],
      headers: ['Authorization: [REDACTED]', 'Accept: application/json'],
      callback: 'https://example.com/cb?token=[REDACTED]',
      note: 'use key [REDACTED] please',
      header_pairs: [['Authorization', '[REDACTED]']],
      dsn: 'postgres://admin:[REDACTED]@db.internal:5432/prod',
    });
  });

  it('sorts keys, bounds sizes and keeps only what JSON and jsonb can hold', () => {
    const out = redactDetails({
      z: 1,
      a: 'x'.repeat(AUDIT_LIMITS.string + 10),
      nul: 'a\u0000b',
      lone: 'a\ud800b',
      big: 10n,
      nan: Number.NaN,
      when: new Date('2026-01-01T00:00:00Z'),
      list: Array.from({ length: AUDIT_LIMITS.items + 5 }, (_, i) => i),
      fn: () => 1,
      skip: undefined,
    });
    expect(Object.keys(out)).toEqual(['a', 'big', 'list', 'lone', 'nan', 'nul', 'when', 'z']);
    expect(out.a).toMatch(/…\[10 more\]$/);
    expect(out.nul).toBe('a\ufffdb');
    expect(out.lone).toBe('a\ufffdb');
    expect(out).toMatchObject({ big: '10', nan: null, when: '2026-01-01T00:00:00.000Z' });
    expect((out.list as unknown[]).length).toBe(AUDIT_LIMITS.items + 1);
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i += 1) deep = { deep };
    expect(JSON.stringify(redactDetails(deep))).toContain('[depth limit]');
  });

  it('builds details whose plain JSON is already canonical (the writer hashes it as is)', () => {
    const { details } = toPendingEvent({
      event: 'x',
      tenant: 't',
      details: { z: { y: [{ b: 1, a: 2 }], x: 1 }, a: [3, { d: 1, c: { f: 1, e: 2 } }], m: null },
    });
    expect(JSON.stringify(details)).toBe(canonicalJson(details));
  });

  it('stays canonical when rewriting member names (NUL, over-long names) changes their order', () => {
    const long = 'k'.repeat(200);
    const { details } = toPendingEvent({
      event: 'x',
      tenant: 't',
      details: { arguments: { 'a\u0000': 1, 'a\u0001': 2, 'a\ufffd': 3, [`${long}b`]: 4, [`${long}aa`]: 5 } },
    });
    expect(JSON.stringify(details)).toBe(canonicalJson(details));
    expect(Object.values(details.arguments as object).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('turns a reported event into a storable one: nulls for absent members, redacted details', () => {
    const event = toPendingEvent(
      { event: 'tools.invoke', tenant: 'acme', details: { token: 'x' } },
      new Date('2026-11-21T10:00:00.123Z'),
    );
    expect(event).toEqual({
      tenant: 'acme',
      ts: '2026-11-21T10:00:00.123Z',
      event: 'tools.invoke',
      subject: null,
      tool_id: null,
      decision: null,
      status: null,
      request_id: null,
      correlation_id: null,
      payload_digest: null,
      policy_version: null,
      details: { token: '[REDACTED]' },
    });
  });
});
