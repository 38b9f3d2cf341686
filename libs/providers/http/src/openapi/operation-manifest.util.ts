import { type ManifestInput } from '@toolgate/catalog';
import { type JsonSchema } from '@toolgate/core';

import {
  HTTP_PROVIDER_KEY,
  type HttpMethod,
  type HttpOperation,
  type HttpParameter,
  httpToolId,
  type ParameterLocation,
} from '../http-api.types';
import { isReservedHeader } from '../upstream/reserved-headers.util';
import { type RawOperation } from './openapi-document.util';
import { toJsonSchema } from './openapi-schema.util';

const GROUP: Record<ParameterLocation, 'path' | 'query' | 'headers'> = {
  path: 'path',
  query: 'query',
  header: 'headers',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** GET/HEAD/OPTIONS read; DELETE destroys; POST/PUT/PATCH write. */
export function safetyTagsOf(method: HttpMethod): string[] {
  if (method === 'delete') return ['destructive'];
  return ['post', 'put', 'patch'].includes(method) ? ['write'] : ['read-only'];
}

/** The operationId made safe for a tool id, or one derived from method and path (`get_pets_petId`). */
export function operationIdOf(method: HttpMethod, path: string, operationId: unknown): string {
  const derived = `${method}_${path.replace(/[{}]/g, '').split('/').filter(Boolean).join('_') || 'root'}`;
  return (text(operationId) ?? derived).replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 128);
}

export interface ParameterSchema extends HttpParameter {
  schema: JsonSchema;
}

/**
 * Path-item parameters overridden by the operation's own (same name and location); cookies, reserved
 * headers (`isReservedHeader`) and `forbiddenHeaders` (lower case: the API's auth header) dropped.
 */
export function parametersOf(raw: RawOperation, forbiddenHeaders: ReadonlySet<string>): ParameterSchema[] {
  const merged = new Map<string, Record<string, unknown>>();
  const own = Array.isArray(raw.operation.parameters) ? raw.operation.parameters : [];
  for (const parameter of [...raw.pathParameters, ...own]) {
    if (isObject(parameter) && typeof parameter.name === 'string') {
      merged.set(`${String(parameter.in)}\u0000${parameter.name}`, parameter);
    }
  }
  const result: ParameterSchema[] = [];
  for (const parameter of merged.values()) {
    const location = parameter.in;
    if (location !== 'path' && location !== 'query' && location !== 'header') continue;
    const name = parameter.name as string;
    if (location === 'header' && (isReservedHeader(name) || forbiddenHeaders.has(name.toLowerCase())))
      continue;
    const media = isObject(parameter.content) ? Object.values(parameter.content)[0] : undefined;
    const schema = toJsonSchema(parameter.schema ?? (isObject(media) ? media.schema : undefined));
    const description = text(parameter.description);
    if (description && schema.description === undefined) schema.description = description;
    result.push({ name, in: location, required: location === 'path' || parameter.required === true, schema });
  }
  for (const match of raw.path.matchAll(/\{([^}]+)\}/g)) {
    if (!result.some((p) => p.in === 'path' && p.name === match[1])) {
      result.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  return result;
}

const JSON_MEDIA = /^application\/(.+\+)?json(;.*)?$/i;

/** The JSON request body, `undefined` when there is none, or the reason the operation is not supported. */
export function bodyOf(
  raw: RawOperation,
): { schema: JsonSchema; required: boolean; mediaType: string } | string | undefined {
  const body = raw.operation.requestBody;
  if (!isObject(body) || !isObject(body.content)) return undefined;
  const mediaType = Object.keys(body.content).find((type) => JSON_MEDIA.test(type));
  if (!mediaType)
    return `request body media types ${Object.keys(body.content).join(', ')} are not supported (JSON only)`;
  const media = body.content[mediaType];
  return {
    schema: toJsonSchema(isObject(media) ? media.schema : undefined),
    required: body.required === true,
    mediaType,
  };
}

/** `{ path, query, headers, body }`: one closed object per parameter location present. */
export function inputsSchemaOf(
  parameters: ParameterSchema[],
  body?: { schema: JsonSchema; required: boolean },
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const location of ['path', 'query', 'header'] as const) {
    const group = parameters.filter((parameter) => parameter.in === location);
    if (group.length === 0) continue;
    const names = group.filter((parameter) => parameter.required).map((parameter) => parameter.name);
    properties[GROUP[location]] = {
      type: 'object',
      properties: Object.fromEntries(group.map((parameter) => [parameter.name, parameter.schema])),
      ...(names.length > 0 ? { required: names } : {}),
      additionalProperties: false,
    };
    if (names.length > 0) required.push(GROUP[location]);
  }
  if (body) {
    properties.body = body.schema;
    if (body.required) required.push('body');
  }
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** `{ status, body }` with the first 2xx JSON response schema as `body`. */
export function outputsSchemaOf(raw: RawOperation): JsonSchema {
  const responses = isObject(raw.operation.responses) ? raw.operation.responses : {};
  const success = Object.entries(responses).find(([status]) => /^2(\d\d|XX)$/i.test(status))?.[1];
  const content = isObject(success) && isObject(success.content) ? success.content : {};
  const media = Object.entries(content).find(([type]) => JSON_MEDIA.test(type))?.[1];
  const body = isObject(media) && media.schema !== undefined ? toJsonSchema(media.schema) : {};
  return { type: 'object', properties: { status: { type: 'integer' }, body }, required: ['status'] };
}

export interface BuiltOperation {
  operation: HttpOperation;
  manifest: ManifestInput;
}

/** One operation as the provider's request recipe and as a catalog manifest (or why it is skipped). */
export function buildOperation(
  api: string,
  raw: RawOperation,
  forbiddenHeaders: ReadonlySet<string>,
): BuiltOperation | string {
  const operationId = operationIdOf(raw.method, raw.path, raw.operation.operationId);
  const parameters = parametersOf(raw, forbiddenHeaders);
  const body = bodyOf(raw);
  if (typeof body === 'string') return body;
  const toolId = httpToolId(api, operationId);
  const endpoint = `${raw.method.toUpperCase()} ${raw.path}`;
  const summary = text(raw.operation.summary);
  const description = [text(raw.operation.description) ?? summary, endpoint].filter(Boolean).join('\n\n');
  return {
    operation: {
      operationId,
      toolId,
      method: raw.method,
      path: raw.path,
      parameters: parameters.map(({ name, in: location, required }) => ({ name, in: location, required })),
      ...(body ? { body: { required: body.required, mediaType: body.mediaType } } : {}),
    },
    manifest: {
      toolId,
      name: (summary ?? operationId).slice(0, 200),
      description: description.slice(0, 4000),
      inputs: inputsSchemaOf(parameters, body),
      outputs: outputsSchemaOf(raw),
      required_scopes: [`${HTTP_PROVIDER_KEY}.${api}`],
      provider_id: HTTP_PROVIDER_KEY,
      safety_tags: safetyTagsOf(raw.method),
    },
  };
}
