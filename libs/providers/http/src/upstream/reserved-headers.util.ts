/**
 * Headers an agent never sets (transport, identity, auth, what proxies add about the client); OpenAPI itself
 * ignores Accept/Content-Type/Authorization. Ingestion leaves such header parameters out of the tool, and
 * the request builder drops them too, so API rows stored before a name was added are covered.
 */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'authorization',
  'connection',
  'content-length',
  'content-type',
  'cookie',
  'expect',
  'forwarded',
  'host',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  'x-real-ip',
]);

/** `X-Forwarded-For`, `-Host`, `-Proto`, `-Port`, `-Prefix`…: what a proxy asserts about the original client. */
const FORWARDED_PREFIX = 'x-forwarded-';

/** True for a header name (any case) an agent may not set on an upstream request. */
export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || lower.startsWith(FORWARDED_PREFIX);
}
