import { createHash } from 'node:crypto';

import { apiKeyMatches, generateApiKeyToken, hashApiKeyToken, parseApiKeyToken } from './api-key-token.util';

describe('API key tokens', () => {
  it('generates tg_<lookup id>_<32 random bytes> tokens, stored as their SHA-256', () => {
    const generated = generateApiKeyToken();
    expect(generated.token).toMatch(/^tg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(generated.token.startsWith(`tg_${generated.lookupId}_`)).toBe(true);
    expect(generated.hash).toEqual(createHash('sha256').update(generated.token).digest());
    expect(generateApiKeyToken().token).not.toBe(generated.token);
  });

  it('parses the lookup id of a well-formed token only', () => {
    const { token, lookupId } = generateApiKeyToken();
    expect(parseApiKeyToken(token)).toBe(lookupId);
    for (const bad of [
      'tg_',
      `${token}x`,
      token.slice(0, -1),
      token.replace('tg_', 'TG_'),
      `tg_${'G'.repeat(16)}_${'a'.repeat(43)}`,
      `tg_${'a'.repeat(16)}_${'a'.repeat(42)}=`,
      `tg_${'a'.repeat(16)}.${'a'.repeat(43)}`,
      `tg_${'a'.repeat(16)}_${'a'.repeat(43)}' OR 1=1`,
    ]) {
      expect(parseApiKeyToken(bad)).toBeUndefined();
    }
  });

  it('matches only the exact token against the stored hash', () => {
    const { token, hash } = generateApiKeyToken();
    expect(apiKeyMatches(token, hash)).toBe(true);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(apiKeyMatches(flipped, hash)).toBe(false);
    expect(apiKeyMatches(token, hash.subarray(0, 16))).toBe(false);
    expect(apiKeyMatches(token, hashApiKeyToken('other'))).toBe(false);
  });
});
