import {
  escapePointerSegment,
  type ProblemViolation,
  RequestValidationException,
  type ToolInput,
} from '@toolgate/core';

import { type HttpApiDefinition, type HttpOperation, type ParameterLocation } from '../http-api.types';
import { isReservedHeader } from './reserved-headers.util';

/** One request to an upstream API, ready for the client. */
export interface UpstreamRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const GROUP: Record<ParameterLocation, 'path' | 'query' | 'headers'> = {
  path: 'path',
  query: 'query',
  header: 'headers',
};
/** A lone UTF-16 surrogate: text that is not well-formed Unicode, so it has no UTF-8 (or URL) encoding. */
const LONE_SURROGATE = /\p{Surrogate}/u;
const NOT_UNICODE = 'must be well-formed Unicode (no lone surrogate)';

/**
 * Why a value cannot travel in a header, if it cannot: HTTP sends field values as single bytes, so only
 * printable Latin-1 (U+0020–U+007E, U+00A0–U+00FF) is accepted; no encoding is applied to header values.
 */
function headerValueProblem(text: string): string | undefined {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 'must not contain control characters';
    if (code > 0xff) return 'must contain only Latin-1 characters (up to U+00FF)';
  }
  return undefined;
}

const groupOf = (input: ToolInput, location: ParameterLocation): Record<string, unknown> => {
  const group = input[GROUP[location]];
  return typeof group === 'object' && group !== null && !Array.isArray(group)
    ? (group as Record<string, unknown>)
    : {};
};

/** The argument `name` of a group: its own property only, so `constructor` or `toString` is not Object's. */
const argumentOf = (values: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(values, name) ? values[name] : undefined;

const scalar = (value: unknown): string =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);

function pathOf(operation: HttpOperation, input: ToolInput, problems: ProblemViolation[]): string {
  const values = groupOf(input, 'path');
  return operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = argumentOf(values, name);
    const text = Array.isArray(value)
      ? value.map(scalar).join(',')
      : value === undefined
        ? ''
        : scalar(value);
    const pointer = `/path/${escapePointerSegment(name)}`;
    // `.` and `..` would climb out of the base path once the URL is normalised; `/` is encoded anyway.
    if (text === '' || text === '.' || text === '..') {
      problems.push({ pointer, detail: 'must be a non-empty value other than "." and ".."' });
    }
    if (LONE_SURROGATE.test(text)) {
      problems.push({ pointer, detail: NOT_UNICODE });
      return '';
    }
    return encodeURIComponent(text);
  });
}

function queryOf(operation: HttpOperation, input: ToolInput, problems: ProblemViolation[]): URLSearchParams {
  const values = groupOf(input, 'query');
  const query = new URLSearchParams();
  for (const { name } of operation.parameters.filter((parameter) => parameter.in === 'query')) {
    const value = argumentOf(values, name);
    if (value === undefined || value === null) continue;
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, index) => {
      const text = scalar(item);
      // URLSearchParams would silently turn a lone surrogate into U+FFFD: refuse it instead.
      if (LONE_SURROGATE.test(text)) {
        const at = Array.isArray(value) ? `/${index}` : '';
        problems.push({ pointer: `/query/${escapePointerSegment(name)}${at}`, detail: NOT_UNICODE });
      } else query.append(name, text);
    });
  }
  return query;
}

function headersOf(
  operation: HttpOperation,
  input: ToolInput,
  problems: ProblemViolation[],
): Record<string, string> {
  const values = groupOf(input, 'header');
  const headers: Record<string, string> = {};
  for (const { name } of operation.parameters.filter((parameter) => parameter.in === 'header')) {
    const value = argumentOf(values, name);
    // Ingestion leaves reserved headers out; an API stored before a name was reserved still declares it.
    if (value === undefined || value === null || isReservedHeader(name)) continue;
    const text = Array.isArray(value) ? value.map(scalar).join(',') : scalar(value);
    const problem = headerValueProblem(text);
    if (problem) problems.push({ pointer: `/headers/${escapePointerSegment(name)}`, detail: problem });
    else headers[name.toLowerCase()] = text;
  }
  return headers;
}

/**
 * Maps validated tool arguments to the upstream request: path parameters URL-encoded into the template, query
 * parameters (arrays repeated), the operation's declared headers only (never a reserved one), the JSON body; then the API's own
 * credential (`secret`) as its auth says. Nothing of the agent's request (its Authorization above all) is
 * carried over. The URL cannot leave the base URL's origin and path.
 */
export function buildUpstreamRequest(
  api: Pick<HttpApiDefinition, 'baseUrl' | 'auth'>,
  operation: HttpOperation,
  input: ToolInput,
  secret?: string,
): UpstreamRequest {
  const problems: ProblemViolation[] = [];
  const path = pathOf(operation, input, problems);
  const query = queryOf(operation, input, problems);
  const headers: Record<string, string> = {
    ...headersOf(operation, input, problems),
    accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
    'user-agent': 'toolgate-http-provider',
  };
  if (problems.length > 0) throw new RequestValidationException(problems);
  const base = new URL(api.baseUrl);
  const url = new URL(`${api.baseUrl.replace(/\/+$/, '')}${path}`);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname.replace(/\/+$/, ''))) {
    throw new RequestValidationException([{ pointer: '/path', detail: 'must stay under the API base URL' }]);
  }
  url.search = query.toString();
  let body: string | undefined;
  if (operation.body && input.body !== undefined) {
    body = JSON.stringify(input.body);
    headers['content-type'] = operation.body.mediaType;
  }
  if (api.auth && secret !== undefined) {
    if (api.auth.type === 'bearer') headers.authorization = `Bearer ${secret}`;
    if (api.auth.type === 'header') headers[api.auth.name!.toLowerCase()] = secret;
    if (api.auth.type === 'query') url.searchParams.set(api.auth.name!, secret);
  }
  return { method: operation.method.toUpperCase(), url: url.toString(), headers, body };
}
