import { type FastifyRequest } from 'fastify';

import { principalOf } from '@toolgate/core';
import { type PolicyResource } from '@toolgate/policy';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The resource `manifests:write` is authorized on, built before validation: the tool id (path or body), the
 * provider and the target tenant (body `tenant`, else the caller's), so tenant-isolation rules apply.
 */
export function manifestWriteResource(request: FastifyRequest): PolicyResource {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const resource: PolicyResource = {
    tenant: text(body.tenant) ?? principalOf(request)?.tenant,
    toolId: text(params.toolId) ?? text(body.toolId),
  };
  const providerId = text(body.provider_id);
  if (providerId !== undefined) resource.provider_id = providerId;
  return resource;
}
