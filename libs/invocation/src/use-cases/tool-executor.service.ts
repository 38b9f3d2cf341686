import { performance } from 'node:perf_hooks';

import { Inject, Injectable, Optional } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { tokenMetaOf, TokenBroker } from '@toolgate/broker';
import { type CatalogManifest } from '@toolgate/catalog';
import {
  createDeadline,
  invokeWithDeadline,
  mapToProblem,
  ProviderRegistry,
  ProviderUnavailableException,
  type ToolDefinition,
} from '@toolgate/core';

import { invocationConfig } from '../invocation.config';
import { ResultNotSerializableException } from '../invocation.exception';
import { INVOCATION_OBSERVER, type InvocationObserver, type InvocationRequest } from '../invocation.types';

/** A JSON answer, serialised once: what is sent is exactly what idempotency stores. */
export interface JsonAnswer {
  status: number;
  body: string;
}

/** A tool definition for a manifest no provider lists (dispatched by the provider's own `invoke`). */
function definitionOf(manifest: CatalogManifest): ToolDefinition {
  return {
    name: manifest.toolId.slice(manifest.toolId.indexOf(':') + 1),
    toolId: manifest.toolId,
    description: manifest.description,
    inputs: manifest.inputs,
    outputs: manifest.outputs,
    required_scopes: manifest.required_scopes,
    safety_tags: manifest.safety_tags,
    timeout_ms: manifest.timeout_ms,
    rate_limit: manifest.rate_limit,
    sensitive_fields: manifest.sensitive_fields,
  };
}

export function jsonAnswer(status: number, body: unknown): JsonAnswer {
  return { status, body: JSON.stringify(body) };
}

/**
 * Runs one authorized, validated call: the audit intent first (no intent, no call), then the provider's own
 * credentials from the broker, then the provider within the manifest's deadline, then the outcome.
 */
@Injectable()
export class ToolExecutorService {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly broker: TokenBroker,
    @Inject(invocationConfig.KEY) private readonly config: ConfigType<typeof invocationConfig>,
    @Optional() @Inject(INVOCATION_OBSERVER) private readonly observer?: InvocationObserver,
  ) {}

  async execute(call: InvocationRequest, manifest: CatalogManifest): Promise<JsonAnswer> {
    const started = performance.now();
    if (this.observer) await this.observer.beforeExecute(call);
    try {
      const answer = await this.run(call, manifest);
      await this.observer?.afterExecute(call, {
        status: answer.status,
        durationMs: performance.now() - started,
      });
      return answer;
    } catch (error) {
      const mapped = mapToProblem(error);
      await this.observer?.afterExecute(call, {
        status: mapped.status,
        code: mapped.code,
        durationMs: performance.now() - started,
      });
      throw error;
    }
  }

  private async run(call: InvocationRequest, manifest: CatalogManifest): Promise<JsonAnswer> {
    const host = this.registry.get(call.providerId);
    if (!host)
      throw new ProviderUnavailableException(call.providerId, `Provider ${call.providerId} is not running.`);
    // Tools a provider lists run through their definition; catalog-only tools (OpenAPI operations, MCP
    // tools, admin manifests) reach the provider's own `invoke` with a definition built from the manifest.
    const definition =
      this.registry.findToolOf(call.providerId, call.toolId)?.definition ?? definitionOf(manifest);
    const credentials = await this.broker.exchange(call.providerId, {
      scopes: manifest.required_scopes,
      subject: call.principal.subject,
      tenant: call.principal.tenant,
      purpose: call.toolId,
    });
    const result = await invokeWithDeadline(host, definition, call.input, {
      principal: call.principal,
      requestId: call.requestId,
      toolId: call.toolId,
      deadline: createDeadline(manifest.timeout_ms ?? this.config.defaultTimeoutMs),
      credentials,
    });
    const body = {
      toolId: call.toolId,
      result,
      token_meta: tokenMetaOf(credentials),
      correlation_id: call.correlationId,
    };
    try {
      return jsonAnswer(200, body);
    } catch {
      throw new ResultNotSerializableException(call.providerId);
    }
  }
}
