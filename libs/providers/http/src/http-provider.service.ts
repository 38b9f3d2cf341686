import { Injectable } from '@nestjs/common';

import { TokenBroker } from '@toolgate/broker';
import {
  type InvocationContext,
  markBeforeUpstream,
  type ProviderDescription,
  type ProviderHealth,
  type ToolDefinition,
  type ToolInput,
  toolIdOf,
  ToolProvider,
  ToolProviderHost,
  UnknownToolException,
} from '@toolgate/core';

import { HttpApiClient } from './http-api.client';
import { HttpApiRegistry } from './http-api-registry.service';
import { HTTP_PROVIDER_KEY, parseHttpToolId } from './http-api.types';
import { buildUpstreamRequest, type UpstreamRequest } from './upstream/upstream-request.util';
import { type HttpToolResult, toToolResult } from './upstream/upstream-response.util';

/**
 * Tools from ingested OpenAPI documents (`http.<api>:<operationId>`). They live in the catalog only (this
 * provider lists none); each call looks the operation up in `http_apis`, gets the API's own credential from
 * the broker, and calls the upstream through the SSRF-guarded dispatcher.
 */
@ToolProvider({ key: HTTP_PROVIDER_KEY, contractVersion: 1 })
@Injectable()
export class HttpProviderService extends ToolProviderHost {
  constructor(
    private readonly registry: HttpApiRegistry,
    private readonly client: HttpApiClient,
    private readonly broker: TokenBroker,
  ) {
    super();
  }

  describe(): ProviderDescription {
    return {
      key: HTTP_PROVIDER_KEY,
      name: 'HTTP (OpenAPI)',
      description: 'Operations of HTTP APIs ingested from OpenAPI 3 documents.',
      contractVersion: 1,
    };
  }

  listTools(): ToolDefinition[] {
    return [];
  }

  async check(): Promise<ProviderHealth> {
    return { status: 'up' };
  }

  override async invoke(
    tool: ToolDefinition,
    input: ToolInput,
    ctx: InvocationContext,
  ): Promise<HttpToolResult> {
    const toolId = toolIdOf(HTTP_PROVIDER_KEY, tool);
    let request: UpstreamRequest;
    let secret: string | undefined;
    try {
      const target = parseHttpToolId(toolId);
      // The API of the manifest the catalog resolved for this call (a shared tool runs the shared API, even
      // for a tenant that stored its own API of that name); no manifest tenant, no call.
      const owner = ctx.manifestTenant;
      const found = target && owner && (await this.registry.resolve(owner, target.api, toolId));
      if (!found) throw new UnknownToolException(HTTP_PROVIDER_KEY, toolId);
      const { api, operation } = found;
      const source = this.registry.credentialSource(api);
      // Waited for until the call's deadline at most: past it, the broker's 504 says nothing was sent.
      const credential = source
        ? await this.broker.exchange(
            source,
            {
              scopes: tool.required_scopes,
              subject: ctx.principal.subject,
              tenant: ctx.principal.tenant,
              purpose: toolId,
            },
            ctx.deadline,
          )
        : undefined;
      if (credential) ctx.reportCredentials?.(credential);
      secret = credential?.access_token;
      request = buildUpstreamRequest(api, operation, input, secret);
    } catch (error) {
      // Nothing was sent yet (no API definition, no credential, arguments HTTP cannot carry): nothing ran.
      throw markBeforeUpstream(error);
    }
    return toToolResult(await this.client.send(request, ctx), secret);
  }
}
