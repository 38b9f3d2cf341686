import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import {
  type CatalogManifest,
  CatalogService,
  INVOKE_ACTION,
  resourceFromManifest,
  SchemaValidatorService,
  ToolNotFoundException,
} from '@toolgate/catalog';
import { payloadDigestOf } from '@toolgate/confirmation';
import { AUDIT_SINK, type AuditEventInput, type AuditSink } from '@toolgate/core';
import {
  asArguments,
  type InvocationRequest,
  RateLimitAuditService,
  RateLimitService,
  ToolExecutorService,
} from '@toolgate/invocation';
import { type PolicyDecision, PolicyDeniedException, PolicyService } from '@toolgate/policy';

import { McpRateLimitedException } from '../mcp-server.exception';
import { type McpRequestContext } from '../mcp-server.types';
import { toCallResult } from './tool-result.util';

/** A call that passed policy, rate limit and validation, ready to hold or execute. */
export interface AuthorizedCall {
  manifest: CatalogManifest;
  call: InvocationRequest;
}

export interface AuthorizeOptions {
  correlationId?: string;
  /** `false`: the rate limit is not spent again. */
  spend?: boolean;
}

/**
 * The REST invoke pipeline for MCP `tools/call`: the tool as the caller sees it (404 otherwise), the policy
 * decision (403, audited `tools.deny`), the tool's or the caller's rate limit (429, audited `rate.limited`
 * by `RateLimitAuditService`, grouped per key and window),
 * the arguments against the manifest's schema (422), then execution through the same executor (broker,
 * deadline, audit intent/outcome). Confirmation is `McpConfirmationService`'s.
 */
@Injectable()
export class GovernedCallService {
  private readonly logger = new Logger('McpGovernedCall');

  constructor(
    private readonly catalog: CatalogService,
    private readonly policy: PolicyService,
    private readonly limits: RateLimitService,
    private readonly validator: SchemaValidatorService,
    private readonly executor: ToolExecutorService,
    private readonly refusals: RateLimitAuditService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  /**
   * Throws the domain error (404, 403, 429, 422, or the provider's refusal of a call to be held) that stops
   * the call, or answers the authorized call. `spend: false` skips the rate limit (the re-check of a call
   * this same `tools/call` already paid for, confirmed by elicitation).
   */
  async authorize(
    ctx: McpRequestContext,
    toolId: string,
    args: unknown,
    options: AuthorizeOptions = {},
  ): Promise<AuthorizedCall> {
    const { principal } = ctx;
    // The gateway's own id (never the caller's request id): it joins this call's events, confirm included.
    const correlation = options.correlationId ?? randomUUID();
    const manifest = this.catalog.resolve(toolId, principal);
    if (!manifest) throw new ToolNotFoundException(toolId);
    const decision = this.policy.decide(principal, INVOKE_ACTION, resourceFromManifest(manifest));
    if (!decision.allowed) {
      this.record(ctx, correlation, {
        event: 'tools.deny',
        tool_id: toolId,
        decision: 'deny',
        status: '403',
        policy_version: decision.policy_version,
        details: { denied_by: decision.denied_by, missing_scopes: decision.missing_scopes, transport: 'mcp' },
      });
      throw new PolicyDeniedException(INVOKE_ACTION, decision);
    }
    if (options.spend !== false) await this.spend(ctx, manifest, correlation);
    const input = asArguments(args);
    this.validator.assertValid(manifest, input);
    const call = this.callOf(ctx, manifest, input, decision, correlation);
    // A call about to be held gets the provider's own check first: nobody confirms what would be refused.
    if (decision.require_confirmation) this.executor.admit(call);
    return { manifest, call };
  }

  /** Runs an authorized call through the executor and returns its result as MCP content. */
  async execute({ manifest, call }: AuthorizedCall): Promise<CallToolResult> {
    const answer = await this.executor.execute(call, manifest);
    const body = JSON.parse(answer.body) as { result?: unknown };
    return toCallResult(manifest, body.result);
  }

  private callOf(
    ctx: McpRequestContext,
    manifest: CatalogManifest,
    input: Record<string, unknown>,
    decision: PolicyDecision,
    correlationId: string,
  ): InvocationRequest {
    return {
      toolId: manifest.toolId,
      manifestVersion: manifest.version,
      providerId: manifest.provider_id,
      tenant: ctx.principal.tenant,
      principal: ctx.principal,
      requestId: ctx.requestId,
      correlationId,
      input,
      payloadDigest: payloadDigestOf(input),
      decision,
      sensitiveFields: manifest.sensitive_fields ?? [],
    };
  }

  private async spend(ctx: McpRequestContext, manifest: CatalogManifest, correlation: string): Promise<void> {
    const own = manifest.rate_limit;
    const bucket = own ? `tool:${manifest.toolId}` : 'tools';
    const state = await this.limits.consume(ctx.principal, bucket, own);
    if (state.allowed) return;
    this.refusals.record({
      principal: ctx.principal,
      bucket,
      transport: 'mcp',
      toolId: manifest.toolId,
      requestId: ctx.requestId,
      correlationId: correlation,
      retryAfter: state.retryAfter,
    });
    throw new McpRateLimitedException(state.retryAfter);
  }

  private record(ctx: McpRequestContext, correlation: string, event: Omit<AuditEventInput, 'tenant'>): void {
    this.audit
      ?.record({
        ...event,
        tenant: ctx.principal.tenant,
        subject: ctx.principal.subject,
        request_id: ctx.requestId,
        correlation_id: correlation,
      })
      .catch((error: unknown) =>
        this.logger.error({
          msg: 'audit event lost',
          event: event.event,
          request_id: ctx.requestId,
          err: String(error),
        }),
      );
  }
}
