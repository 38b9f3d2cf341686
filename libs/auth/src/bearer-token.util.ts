import { InvalidTokenException, MissingTokenException } from './auth.exception';

/** Tokens longer than this are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

/** RFC 6750 `b64token` after a case-insensitive `Bearer` scheme and one or more spaces. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The bearer token of a request, from its raw header lines (so a second `Authorization` header, which
 * Node would silently drop, is seen and refused). Query-string tokens are never looked at.
 */
export function extractBearerToken(rawHeaders: readonly string[]): string {
  let value: string | undefined;
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index];
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      count += 1;
      value = rawHeaders[index + 1];
    }
  }
  if (count === 0 || value === undefined) throw new MissingTokenException();
  if (count > 1) throw new InvalidTokenException('several Authorization headers');
  if (value.length > MAX_TOKEN_LENGTH + 16) throw new InvalidTokenException('token too long');
  const token = BEARER.exec(value.trim())?.[1];
  if (!token) throw new InvalidTokenException('not a Bearer credential');
  if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenException('token too long');
  return token;
}
