import { createHash } from 'node:crypto';

import {
  generateActionToken,
  hashActionToken,
  isWellFormedActionToken,
  payloadDigestOf,
} from './action-token.util';

describe('action tokens', () => {
  it('are ACTION_TOKEN_BYTES random bytes, base64url without padding', () => {
    const token = generateActionToken(24);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(24);
    expect(generateActionToken(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('never repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateActionToken(24)));
    expect(tokens.size).toBe(1000);
  });

  it('are stored as their SHA-256 only', () => {
    const token = generateActionToken(24);
    const hash = hashActionToken(token);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token);
    expect(hashActionToken(generateActionToken(24))).not.toBe(hash);
  });

  it('are checked for shape before any lookup', () => {
    expect(isWellFormedActionToken(generateActionToken(16))).toBe(true);
    expect(isWellFormedActionToken(generateActionToken(64))).toBe(true);
    expect(isWellFormedActionToken('')).toBe(false);
    expect(isWellFormedActionToken('short')).toBe(false);
    expect(isWellFormedActionToken(`${generateActionToken(24)}=`)).toBe(false);
    expect(isWellFormedActionToken('a'.repeat(87))).toBe(false);
    expect(isWellFormedActionToken("' OR 1=1 --aaaaaaaaaaaaaaaaaaaa")).toBe(false);
  });
});

describe('payload digest (canonical JSON binding)', () => {
  it('ignores key order at every depth', () => {
    const a = payloadDigestOf({ name: 'x', budget: 1200, meta: { b: 1, a: [1, { d: 2, c: 3 }] } });
    const b = payloadDigestOf(
      JSON.parse('{ "meta": {"a":[1,{"c":3,"d":2}],"b":1}, "budget":1200,"name":"x" }'),
    );
    expect(b).toBe(a);
  });

  it('changes with any value, type, array order or extra member', () => {
    const base = payloadDigestOf({ name: 'x', budget: 1200, tags: ['a', 'b'] });
    expect(payloadDigestOf({ name: 'x', budget: 1201, tags: ['a', 'b'] })).not.toBe(base);
    expect(payloadDigestOf({ name: 'x', budget: '1200', tags: ['a', 'b'] })).not.toBe(base);
    expect(payloadDigestOf({ name: 'x', budget: 1200, tags: ['b', 'a'] })).not.toBe(base);
    expect(payloadDigestOf({ name: 'x', budget: 1200, tags: ['a', 'b'], extra: null })).not.toBe(base);
  });
});
