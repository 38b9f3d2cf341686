import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_TOKEN_PREFIX = 'tg_';

/** `tg_<16 hex lookup id>_<43 base64url chars: 32 random bytes>` */
const TOKEN = /^tg_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

export interface GeneratedApiKey {
  /** The whole secret token, shown once. */
  token: string;
  /** Public lookup id embedded in the token (indexed, not secret). */
  lookupId: string;
  /** SHA-256 of the token: the only form stored. */
  hash: Buffer;
}

/** SHA-256 is enough here: the secret carries 256 bits of entropy, so no slow KDF is needed. */
export function hashApiKeyToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function generateApiKeyToken(): GeneratedApiKey {
  const lookupId = randomBytes(8).toString('hex');
  const token = `${API_KEY_TOKEN_PREFIX}${lookupId}_${randomBytes(32).toString('base64url')}`;
  return { token, lookupId, hash: hashApiKeyToken(token) };
}

/** The lookup id of a well-formed API key token, or undefined. */
export function parseApiKeyToken(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

/** Constant-time comparison of a presented token with a stored hash. */
export function apiKeyMatches(token: string, storedHash: Buffer): boolean {
  const presented = hashApiKeyToken(token);
  return storedHash.length === presented.length && timingSafeEqual(presented, storedHash);
}
