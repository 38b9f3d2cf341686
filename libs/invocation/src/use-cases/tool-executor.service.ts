import { performance } from 'node:perf_hooks';

import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { AuditUnavailableException } from '@toolgate/audit';
import { tokenMetaOf, TokenBroker } from '@toolgate/broker';
import { type CatalogManifest, ProviderToolManifestException, PUBLIC_TENANT } from '@toolgate/catalog';
import {
  AUDIT_SINK,
  type AuditEventInput,
  type AuditSink,
  type BrokeredCredentials,
  createDeadline,
  credentialOf,
  type InvocationDeadline,
  mapToProblem,
  ProviderRegistry,
  ProviderUnavailableException,
} from '@toolgate/core';

import { invocationConfig } from '../invocation.config';
import { ResultNotSerializableException } from '../invocation.exception';
import { type InvocationRequest } from '../invocation.types';
import { markMayHaveRun } from './may-have-run.util';
import { definitionOf, invokeProvider } from './provider-call.util';

/** A JSON answer, serialised once: what is sent is exactly what idempotency stores. */
export interface JsonAnswer {
  status: number;
  body: string;
}

export function jsonAnswer(status: number, body: unknown): JsonAnswer {
  return { status, body: JSON.stringify(body) };
}

/** The `tools.invoke` event of one call; intent and outcome share its correlation id. */
function invokeEvent(
  call: InvocationRequest,
  status: string,
  details: Record<string, unknown>,
): AuditEventInput {
  return {
    event: 'tools.invoke',
    tenant: call.tenant,
    subject: call.principal.subject,
    tool_id: call.toolId,
    decision: 'allow',
    status,
    request_id: call.requestId,
    correlation_id: call.correlationId,
    payload_digest: call.payloadDigest,
    policy_version: call.decision.policy_version,
    details,
    sensitive_fields: call.sensitiveFields,
  };
}

/**
 * Runs one authorized, validated call: the audit intent first (committed, or 503 and no call), then, within
 * the manifest's deadline, the provider's own credentials from the broker and the provider itself, then the
 * outcome (committed before a 2xx is returned).
 */
@Injectable()
export class ToolExecutorService {
  private readonly logger = new Logger('ToolExecutor');

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly broker: TokenBroker,
    @Inject(invocationConfig.KEY) private readonly config: ConfigType<typeof invocationConfig>,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async execute(call: InvocationRequest, manifest: CatalogManifest): Promise<JsonAnswer> {
    await this.record(
      invokeEvent(call, 'intent', {
        arguments: call.input,
        provider_id: call.providerId,
        manifest_version: call.manifestVersion,
        matched_rules: call.decision.matched_rules,
        ...credentialOf(call.principal),
      }),
    );
    const started = performance.now();
    let answer: JsonAnswer;
    try {
      answer = await this.run(call, manifest);
    } catch (error) {
      const { status, code } = mapToProblem(error);
      const outcome = { http_status: status, code, duration_ms: Math.round(performance.now() - started) };
      // The call failed anyway: a lost outcome is logged, the caller gets the real error.
      await this.record(invokeEvent(call, 'error', outcome)).catch((auditError: unknown) =>
        this.logger.error({ msg: 'audit outcome lost', request_id: call.requestId, err: String(auditError) }),
      );
      throw error;
    }
    const outcome = { http_status: answer.status, duration_ms: Math.round(performance.now() - started) };
    // No 2xx leaves before its outcome is committed.
    try {
      await this.record(
        invokeEvent(call, 'ok', outcome),
        'The tool ran, but its outcome could not be audited.',
      );
    } catch (error) {
      markMayHaveRun(error);
      throw error;
    }
    return answer;
  }

  /**
   * Before a call is held for confirmation: the provider's own check of its arguments (`ToolDefinition.admit`,
   * for tools it lists). A refusal throws the provider's error and is recorded as `tools.deny` (not awaited:
   * nothing ran and nothing was stored).
   */
  admit(call: InvocationRequest): void {
    const definition = this.registry.findToolOf(call.providerId, call.toolId)?.definition;
    if (!definition?.admit) return;
    try {
      definition.admit(call.input, call.principal);
    } catch (error) {
      const { status, code } = mapToProblem(error);
      this.audit
        ?.record({
          ...invokeEvent(call, String(status), { denied_by: 'provider', provider_id: call.providerId, code }),
          event: 'tools.deny',
          decision: 'deny',
        })
        .catch((auditError: unknown) =>
          this.logger.error({ msg: 'audit event lost', request_id: call.requestId, err: String(auditError) }),
        );
      throw error;
    }
  }

  /** Awaits the audit row; any failure becomes 503 `AUDIT.UNAVAILABLE`. */
  private async record(event: AuditEventInput, detail?: string): Promise<void> {
    if (!this.audit) return;
    try {
      await this.audit.record(event);
    } catch (error) {
      this.logger.error({
        msg: 'audit write failed',
        event: event.status,
        request_id: event.request_id,
        err: String(error),
      });
      throw new AuditUnavailableException(error, detail);
    }
  }

  /** The provider's own credentials, waited for until the deadline at most (a cached one needs no wait). */
  private credentialsFor(
    call: InvocationRequest,
    manifest: CatalogManifest,
    deadline: InvocationDeadline,
  ): Promise<BrokeredCredentials | undefined> {
    const request = {
      scopes: manifest.required_scopes,
      subject: call.principal.subject,
      tenant: call.principal.tenant,
      purpose: call.toolId,
    };
    return this.broker.exchange(call.providerId, request, deadline);
  }

  private async run(call: InvocationRequest, manifest: CatalogManifest): Promise<JsonAnswer> {
    const host = this.registry.get(call.providerId);
    if (!host)
      throw new ProviderUnavailableException(call.providerId, `Provider ${call.providerId} is not running.`);
    // Tools a provider lists run through their definition; catalog-only tools (OpenAPI operations, MCP
    // tools, admin manifests) reach the provider's own `invoke` with a definition built from the manifest.
    const listed = this.registry.findToolOf(call.providerId, call.toolId);
    // A provider's own tool runs only under its `public` manifest. A tenant row with its id (the catalog
    // refuses those; older rows may exist) would otherwise run it with the tenant's schema, scopes and tags.
    if (listed && manifest.tenant !== PUBLIC_TENANT)
      throw new ProviderToolManifestException(call.toolId, call.providerId);
    const definition = listed?.definition ?? definitionOf(manifest);
    // The provider's own check of these arguments (e.g. an account grant) comes before its credentials: a
    // refused call answers its 4xx without a token exchange, even when the token endpoint is down.
    definition.admit?.(call.input, call.principal);
    // The deadline covers the credential exchange too: a slow token endpoint answers 504 at the deadline
    // (saying the call had no effect: nothing was sent yet, so an Idempotency-Key is freed).
    const deadline = createDeadline(manifest.timeout_ms ?? this.config.defaultTimeoutMs);
    let credentials: BrokeredCredentials | undefined;
    let reported: BrokeredCredentials | undefined;
    let result: unknown;
    try {
      credentials = await this.credentialsFor(call, manifest, deadline);
      result = await invokeProvider(this.broker, host, definition, call.input, {
        principal: call.principal,
        requestId: call.requestId,
        toolId: call.toolId,
        manifestTenant: manifest.tenant,
        deadline,
        credentials,
        reportCredentials: (used) => {
          reported = used;
        },
      });
    } finally {
      deadline.dispose();
    }
    // What the provider reports it used (a token renewed after its upstream refused the first one, its own
    // per-API credential) describes the call better than what it was handed.
    return answerOf(call, result, reported ?? credentials);
  }
}

/** The 200 of a call that ran (the tool ran: a result JSON cannot hold is an error that may follow an effect). */
function answerOf(call: InvocationRequest, result: unknown, used?: BrokeredCredentials): JsonAnswer {
  const body = {
    toolId: call.toolId,
    result,
    token_meta: tokenMetaOf(used),
    correlation_id: call.correlationId,
  };
  try {
    return jsonAnswer(200, body);
  } catch {
    const error = new ResultNotSerializableException(call.providerId);
    markMayHaveRun(error);
    throw error;
  }
}
