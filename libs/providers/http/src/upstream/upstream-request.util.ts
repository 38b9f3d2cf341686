import { type ProblemViolation, RequestValidationException, type ToolInput } from '@toolgate/core';

import { type HttpApiDefinition, type HttpOperation, type ParameterLocation } from '../http-api.types';

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
const hasControl = (text: string): boolean =>
  [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

const groupOf = (input: ToolInput, location: ParameterLocation): Record<string, unknown> => {
  const group = input[GROUP[location]];
  return typeof group === 'object' && group !== null && !Array.isArray(group)
    ? (group as Record<string, unknown>)
    : {};
};

const scalar = (value: unknown): string =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);

function pathOf(operation: HttpOperation, input: ToolInput, problems: ProblemViolation[]): string {
  const values = groupOf(input, 'path');
  return operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = values[name];
    const text = Array.isArray(value)
      ? value.map(scalar).join(',')
      : value === undefined
        ? ''
        : scalar(value);
    // `.` and `..` would climb out of the base path once the URL is normalised; `/` is encoded anyway.
    if (text === '' || text === '.' || text === '..') {
      problems.push({
        pointer: `/path/${name}`,
        detail: 'must be a non-empty value other than "." and ".."',
      });
    }
    return encodeURIComponent(text);
  });
}

function queryOf(operation: HttpOperation, input: ToolInput): URLSearchParams {
  const values = groupOf(input, 'query');
  const query = new URLSearchParams();
  for (const { name } of operation.parameters.filter((parameter) => parameter.in === 'query')) {
    const value = values[name];
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(name, scalar(item));
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
    const value = values[name];
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value) ? value.map(scalar).join(',') : scalar(value);
    if (hasControl(text))
      problems.push({ pointer: `/headers/${name}`, detail: 'must not contain control characters' });
    else headers[name.toLowerCase()] = text;
  }
  return headers;
}

/**
 * Maps validated tool arguments to the upstream request: path parameters URL-encoded into the template, query
 * parameters (arrays repeated), the operation's declared headers only, the JSON body; then the API's own
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
  url.search = queryOf(operation, input).toString();
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
