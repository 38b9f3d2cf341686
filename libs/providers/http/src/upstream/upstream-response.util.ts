import { ProviderUnavailableException, ProviderUpstreamException } from '@toolgate/core';

import { HTTP_PROVIDER_KEY } from '../http-api.types';
import { UpstreamRejectedException } from '../http-provider.exception';
import { redactSecret } from './secret-redaction.util';

/** What the client read from the upstream. */
export interface UpstreamResponse {
  status: number;
  contentType?: string;
  retryAfter?: string;
  body: Buffer;
}

/** The result of an `http.*` tool: the upstream status, its content type, and the decoded body. */
export interface HttpToolResult {
  status: number;
  content_type?: string;
  /** Parsed JSON, text, `null` for an empty body, or base64 for binary content. */
  body: unknown;
}

const UPSTREAM_ERROR_CHARS = 2_048;
const JSON_TYPE = /^application\/(.+\+)?json\b/i;
const TEXT_TYPE = /^(text\/|application\/(.+\+)?xml\b|application\/x-www-form-urlencoded\b)/i;

/** The body as the agent gets it, with the API's secret blanked in every form should the upstream echo it. */
function decode(response: UpstreamResponse, secret?: string): unknown {
  if (response.body.length === 0) return null;
  const body = redactSecret(response.body, secret);
  const type = response.contentType ?? '';
  if (JSON_TYPE.test(type)) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new ProviderUpstreamException(HTTP_PROVIDER_KEY, 'The upstream API answered invalid JSON.');
    }
  }
  if (TEXT_TYPE.test(type) || type === '') return body.toString('utf8');
  return body.toString('base64');
}

/** The upstream's error body, capped, with the API's secret blanked in every form. */
function upstreamError(response: UpstreamResponse, secret?: string): unknown {
  const text = redactSecret(response.body, secret).toString('utf8');
  if (text.length === 0) return undefined;
  if (JSON_TYPE.test(response.contentType ?? '') && text.length <= UPSTREAM_ERROR_CHARS) {
    try {
      return JSON.parse(text);
    } catch {
      // fall through: passed on as text
    }
  }
  return text.slice(0, UPSTREAM_ERROR_CHARS);
}

const failure = (response: UpstreamResponse, detail: string) =>
  new ProviderUpstreamException(HTTP_PROVIDER_KEY, detail, {
    extensions: { upstream_status: response.status },
  });

/**
 * 2xx → the result. Redirects are not followed → 502. 404 → 404, 400/422 → 422, 409 → 409 (the agent can
 * fix its call; the upstream's error body is passed on); 401/403 and other 4xx → 502 (the gateway's
 * credentials or the API definition are wrong, not the caller); 429 → 503 with `Retry-After`; 5xx → 502.
 */
export function toToolResult(response: UpstreamResponse, secret?: string): HttpToolResult {
  const { status } = response;
  if (status >= 200 && status < 300) {
    return {
      status,
      ...(response.contentType ? { content_type: response.contentType } : {}),
      body: decode(response, secret),
    };
  }
  if (status >= 300 && status < 400) {
    throw failure(response, `The upstream API redirected (${status}); redirects are not followed.`);
  }
  if (status === 404 || status === 409)
    throw new UpstreamRejectedException(status, status, upstreamError(response, secret));
  if (status === 400 || status === 422)
    throw new UpstreamRejectedException(422, status, upstreamError(response, secret));
  if (status === 429) {
    const seconds = Number(response.retryAfter);
    throw new ProviderUnavailableException(
      HTTP_PROVIDER_KEY,
      'The upstream API is rate limiting the gateway.',
      {
        extensions: { upstream_status: status },
        ...(Number.isInteger(seconds) && seconds >= 0 ? { headers: { 'retry-after': String(seconds) } } : {}),
      },
    );
  }
  if (status === 401 || status === 403)
    throw failure(response, `The upstream API refused the gateway's credentials (${status}).`);
  throw failure(response, `The upstream API answered ${status}.`);
}
