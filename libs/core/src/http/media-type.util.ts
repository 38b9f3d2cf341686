/** The one body media type every route takes (and the `application/*+json` types, parsed the same way). */
export const REQUIRED_MEDIA_TYPE = 'application/json';

/** Most characters of a refused media type a 415 answer quotes; longer ones are cut (RFC 6838 allows 255). */
export const MAX_QUOTED_MEDIA_TYPE = 100;

/** `type/subtype` made of RFC 9110 token characters, lower case. */
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

const SEND_JSON = `send the body as ${REQUIRED_MEDIA_TYPE} (or an application/*+json type).`;

/** What a 415 says when the `Content-Type` header is not a media type at all. */
export const INVALID_MEDIA_TYPE_DETAIL = `The Content-Type header is not a valid media type: ${SEND_JSON}`;

/**
 * The media type of a `Content-Type` value as a client may see it quoted back: parameters dropped, lower
 * case, only token characters (anything else is no media type: undefined), at most `MAX_QUOTED_MEDIA_TYPE`
 * characters.
 */
export function quotableMediaType(header: string): string | undefined {
  const separator = header.indexOf(';');
  const type = (separator === -1 ? header : header.slice(0, separator)).trim().toLowerCase();
  if (!MEDIA_TYPE.test(type)) return undefined;
  return type.length > MAX_QUOTED_MEDIA_TYPE ? `${type.slice(0, MAX_QUOTED_MEDIA_TYPE)}…` : type;
}

/** The detail of a 415 for a body sent with `Content-Type: header` (or with none). */
export function unsupportedMediaTypeDetail(header: string | undefined): string {
  if (header === undefined || header.trim() === '')
    return `The request has a body but no Content-Type: ${SEND_JSON}`;
  const type = quotableMediaType(header);
  if (type === undefined) return INVALID_MEDIA_TYPE_DETAIL;
  return `The body was sent as ${type}, which no route accepts: ${SEND_JSON}`;
}

/**
 * The error a body parser reports for a non-empty body of a media type no route takes (415
 * `REQUEST.UNSUPPORTED_MEDIA_TYPE`), naming the type that was sent and the one required.
 */
export class UnsupportedMediaTypeError extends Error {
  readonly statusCode = 415;
  readonly code = 'TG_ERR_UNSUPPORTED_MEDIA_TYPE';

  constructor(header: string | undefined) {
    super(unsupportedMediaTypeDetail(header));
  }
}
