import { randomBytes } from 'node:crypto';

import { canonicalJson, sha256Hex } from '@toolgate/core';

/** base64url of 16 to 64 random bytes (ACTION_TOKEN_BYTES' range): anything else is malformed. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,86}$/;

/** A new single-use action token: `bytes` random bytes, base64url (no padding). */
export function generateActionToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** What is stored for a token: its SHA-256 (hex). The token itself is never stored or logged. */
export function hashActionToken(token: string): string {
  return sha256Hex(token);
}

/** Cheap shape check before any lookup. */
export function isWellFormedActionToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * The digest an action is bound to: SHA-256 of the canonical JSON (RFC 8785 key order, no insignificant
 * whitespace) of the arguments. Key order and formatting do not change it; any value does.
 */
export function payloadDigestOf(input: Record<string, unknown>): string {
  return sha256Hex(canonicalJson(input));
}
