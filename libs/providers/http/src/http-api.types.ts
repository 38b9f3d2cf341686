export const HTTP_PROVIDER_KEY = 'http';

export const HTTP_AUTH_TYPES = ['bearer', 'header', 'query'] as const;
export type HttpAuthType = (typeof HTTP_AUTH_TYPES)[number];

/**
 * How the gateway authenticates to an ingested API. `secret_env` names the variable holding the secret:
 * the secret itself is never stored nor returned. `name` is the header or query parameter (`header`, `query`).
 */
export interface HttpApiAuth {
  type: HttpAuthType;
  secret_env: string;
  name?: string;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type ParameterLocation = 'path' | 'query' | 'header';

export interface HttpParameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
}

/** One OpenAPI operation as the provider needs it to build the upstream request. */
export interface HttpOperation {
  operationId: string;
  toolId: string;
  method: HttpMethod;
  /** Path template relative to the base URL (`/pets/{petId}`). */
  path: string;
  parameters: HttpParameter[];
  /** JSON request body (the only body media type supported). */
  body?: { required: boolean; mediaType: string };
}

/** An ingested API: what every replica needs to invoke its operations (stored in `http_apis`). */
export interface HttpApiDefinition {
  tenant: string;
  name: string;
  baseUrl: string;
  auth?: HttpApiAuth;
  operations: HttpOperation[];
  version: number;
}

/** `http.<api>:<operationId>`. */
export function httpToolId(api: string, operationId: string): string {
  return `${HTTP_PROVIDER_KEY}.${api}:${operationId}`;
}

/** The API and operation of an `http.<api>:<operationId>` tool id. */
export function parseHttpToolId(toolId: string): { api: string; operationId: string } | undefined {
  const match = /^http\.([a-z][a-z0-9-]{0,39}):([A-Za-z0-9_.-]{1,128})$/.exec(toolId);
  return match ? { api: match[1], operationId: match[2] } : undefined;
}
