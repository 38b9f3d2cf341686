import { type Dispatcher, request } from 'undici';

import { BodyTooLargeError, readBody } from '@toolgate/core';

import { CredentialUnavailableException } from '../broker.exception';

export interface OAuthTokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

const PHASE_TIMEOUT_MS = 5_000;
/**
 * The whole token request, headers and body: past it the request is dropped (an endpoint trickling its
 * answer would otherwise hold the broker's single-flight issue, and every call joining it, for hours).
 */
export const TOKEN_REQUEST_TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Posts a form to an OAuth 2.0 token endpoint (RFC 6749 §4.4 / §6) and validates the answer's shape, within
 * `TOKEN_REQUEST_TIMEOUT_MS` overall. `dispatcher` carries the connection policy (the SSRF guard for
 * endpoints an admin registered).
 */
export async function requestOAuthToken(
  provider: string,
  tokenUrl: string,
  form: Record<string, string>,
  dispatcher?: Dispatcher,
  timeoutMs: number = TOKEN_REQUEST_TIMEOUT_MS,
): Promise<OAuthTokenResponse> {
  const overall = AbortSignal.timeout(timeoutMs);
  let status: number;
  let text: string;
  try {
    const response = await request(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      headersTimeout: PHASE_TIMEOUT_MS,
      bodyTimeout: PHASE_TIMEOUT_MS,
      signal: overall,
      maxRedirections: 0,
      ...(dispatcher ? { dispatcher } : {}),
    } as Parameters<typeof request>[1]);
    status = response.statusCode;
    text = await readBody(response.body, MAX_BODY_BYTES, response.headers['content-length']);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new CredentialUnavailableException(provider, 'the token response is too large');
    if (overall.aborted) {
      const seconds = Math.round(timeoutMs / 100) / 10;
      throw new CredentialUnavailableException(
        provider,
        `the token endpoint did not answer within ${seconds} s`,
        error,
      );
    }
    throw new CredentialUnavailableException(provider, 'the token endpoint is unreachable', error);
  }
  if (status < 200 || status >= 300) {
    throw new CredentialUnavailableException(provider, `the token endpoint answered ${status}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CredentialUnavailableException(provider, 'the token endpoint answered invalid JSON', error);
  }
  // `null`, a list or a scalar is no token response either (and `null` has no properties to read).
  const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<OAuthTokenResponse>;
  if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
    throw new CredentialUnavailableException(provider, 'the token response has no access_token');
  }
  const expiresIn = Number(body.expires_in ?? 3600);
  return {
    access_token: body.access_token,
    token_type: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
    expires_in: Number.isFinite(expiresIn) && expiresIn > 0 ? Math.min(expiresIn, 86_400) : 3600,
    scope: typeof body.scope === 'string' ? body.scope : undefined,
  };
}
