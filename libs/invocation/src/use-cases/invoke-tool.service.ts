import { Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import {
  CatalogService,
  manifestOfResource,
  SchemaValidatorService,
  ToolNotFoundException,
} from '@toolgate/catalog';
import { ConfirmationService } from '@toolgate/confirmation';
import { canonicalJson, correlationIdOf, type Principal, principalOf, sha256Hex } from '@toolgate/core';
import { policyDecisionOf, policyResourceOf, PolicyService } from '@toolgate/policy';

import { parseIdempotencyKey } from '../idempotency/idempotency.service';
import { ArgumentsNotObjectException } from '../invocation.exception';
import { type InvocationRequest } from '../invocation.types';
import { IdempotentRunService, type IdempotentAnswer } from './idempotent-run.service';
import { jsonAnswer, ToolExecutorService } from './tool-executor.service';

/** Tool arguments must be a JSON object; an absent body counts as `{}`. */
export function asArguments(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ArgumentsNotObjectException();
  return body as Record<string, unknown>;
}

/**
 * `POST /tools/{toolId}/invoke` after the guards (authenticated, authorized, rate limited): validate the
 * arguments against the manifest, apply Idempotency-Key, hold for confirmation when the decision says so
 * (202 with an action token, nothing runs), otherwise execute.
 */
@Injectable()
export class InvokeToolService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly validator: SchemaValidatorService,
    private readonly policy: PolicyService,
    private readonly executor: ToolExecutorService,
    private readonly idempotent: IdempotentRunService,
    private readonly confirmation: ConfirmationService,
  ) {}

  async invoke(
    request: FastifyRequest,
    toolId: string,
    body: unknown,
    idempotencyKey?: string | string[],
  ): Promise<IdempotentAnswer> {
    const principal = principalOf(request) as Principal;
    // The manifest the policy guard decided on, with its decision: looking the tool up again could find a
    // newer manifest (a reload in between, e.g. now `destructive`) and run it under the old decision.
    const decided = manifestOfResource(policyResourceOf(request));
    const manifest = decided ?? this.catalog.resolve(toolId, principal);
    if (!manifest) throw new ToolNotFoundException(toolId);
    const key = parseIdempotencyKey(idempotencyKey);
    const input = asArguments(body);
    this.validator.assertValid(manifest, input);
    const payloadDigest = sha256Hex(canonicalJson(input));
    const requestId = String(request.id);
    const call: InvocationRequest = {
      toolId,
      manifestVersion: manifest.version,
      providerId: manifest.provider_id,
      tenant: principal.tenant,
      principal,
      requestId,
      correlationId: correlationIdOf(request),
      input,
      payloadDigest,
      decision:
        (decided && policyDecisionOf(request)) ??
        this.policy.decide(principal, 'tools.invoke', { ...manifest }),
      sensitiveFields: manifest.sensitive_fields ?? [],
    };
    const scope = key
      ? { tenant: principal.tenant, subject: principal.subject, route: `invoke:${toolId}`, key }
      : undefined;
    return this.idempotent.run(scope, payloadDigest, { url: request.url, requestId }, async () => {
      if (!call.decision.require_confirmation) return this.executor.execute(call, manifest);
      this.executor.admit(call);
      return jsonAnswer(202, await this.confirmation.hold(call));
    });
  }
}
