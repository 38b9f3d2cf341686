import { TextDecoder } from 'node:util';

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
/** `application/json` and `application/<x>+json`, with or without parameters; not `application/json-seq`. */
const JSON_TYPE = /^application\/(?:[^;]+\+)?json\s*(?:;|$)/i;
const TEXT_TYPE = /^(text\/|application\/(.+\+)?xml\b|application\/x-www-form-urlencoded\b)/i;
/** UTF-8 named as the charset (or no parameter at all): the common case, decoded without a TextDecoder. */
const UTF8_CHARSET = /;\s*charset\s*=\s*"?utf-?8"?\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const BOM = 0xfeff;

/**
 * Decoders of the charsets upstreams named, by label. Only labels TextDecoder knows are kept (a finite
 * set), so an upstream cannot grow this; `decode()` without `stream` keeps no state between calls.
 */
const decoders = new Map<string, TextDecoder>();

/** The charset label of `type` other than UTF-8, lower case; `undefined` when none is named or it is UTF-8. */
function charsetOf(type: string): string | undefined {
  if (!type.includes(';') || UTF8_CHARSET.test(type)) return undefined;
  return CHARSET.exec(type)?.[1].toLowerCase();
}

function decoderFor(label: string): TextDecoder | undefined {
  let decoder = decoders.get(label);
  if (decoder) return decoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return undefined; // a charset TextDecoder does not know
  }
  decoders.set(label, decoder);
  return decoder;
}

/**
 * `body` (already redacted byte for byte) as text in the charset its content type names, UTF-8 when none,
 * without a leading byte order mark; `undefined` for a charset that cannot be decoded. Text in another
 * charset is redacted again once decoded: the secret's forms are searched as UTF-8.
 */
function textOf(body: Buffer, type: string, secret?: string): string | undefined {
  const label = charsetOf(type);
  if (label === undefined) {
    const text = body.toString('utf8');
    return text.charCodeAt(0) === BOM ? text.slice(1) : text;
  }
  const decoder = decoderFor(label);
  if (!decoder) return undefined;
  const text = decoder.decode(body); // the charset's own byte order mark is dropped by TextDecoder
  return secret ? redactSecret(Buffer.from(text, 'utf8'), secret).toString('utf8') : text;
}

/**
 * The body as the agent gets it, with the API's secret blanked in every form should the upstream echo it:
 * JSON parsed, text as text (in the charset named), anything else, or text in a charset that cannot be
 * decoded, as base64.
 */
function decode(response: UpstreamResponse, secret?: string): unknown {
  if (response.body.length === 0) return null;
  const body = redactSecret(response.body, secret);
  const type = response.contentType ?? '';
  if (JSON_TYPE.test(type)) {
    const text = textOf(body, type, secret);
    if (text === undefined) return body.toString('base64');
    try {
      return JSON.parse(text);
    } catch {
      throw new ProviderUpstreamException(HTTP_PROVIDER_KEY, 'The upstream API answered invalid JSON.');
    }
  }
  if (TEXT_TYPE.test(type) || type === '') return textOf(body, type, secret) ?? body.toString('base64');
  return body.toString('base64');
}

/** The upstream's error body, capped, with the API's secret blanked in every form. */
function upstreamError(response: UpstreamResponse, secret?: string): unknown {
  const body = redactSecret(response.body, secret);
  const type = response.contentType ?? '';
  const text = textOf(body, type, secret) ?? body.toString('utf8');
  if (text.length === 0) return undefined;
  if (JSON_TYPE.test(type) && text.length <= UPSTREAM_ERROR_CHARS) {
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
