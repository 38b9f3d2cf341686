import { Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import {
  CatalogService,
  manifestOfResource,
  SchemaValidatorService,
  ToolNotFoundException,
} from '@toolgate/catalog';
import { ConfirmationService, payloadDigestOf, splitConfirmBody } from '@toolgate/confirmation';
import { type Principal, principalOf } from '@toolgate/core';
import { policyDecisionOf, policyResourceOf, PolicyService } from '@toolgate/policy';

import { type InvocationRequest } from '../invocation.types';
import { type JsonAnswer, ToolExecutorService } from './tool-executor.service';

/**
 * `POST /tools/{toolId}/confirm` after the guards (authenticated and authorized again for the tool, rate
 * limited): consume the held action of `action_token` for exactly these arguments, once, then execute the
 * call under the invoke's correlation id.
 */
@Injectable()
export class ConfirmToolService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly validator: SchemaValidatorService,
    private readonly policy: PolicyService,
    private readonly confirmation: ConfirmationService,
    private readonly executor: ToolExecutorService,
  ) {}

  async confirm(request: FastifyRequest, toolId: string, body: unknown): Promise<JsonAnswer> {
    const principal = principalOf(request) as Principal;
    // The manifest the policy guard decided on, with its decision (as at the invoke): a second lookup could
    // find a newer manifest and run it under the old decision.
    const decided = manifestOfResource(policyResourceOf(request));
    const manifest = decided ?? this.catalog.resolve(toolId, principal);
    if (!manifest) throw new ToolNotFoundException(toolId);
    const { actionToken, input } = splitConfirmBody(body, request.headers['action-token']);
    // The arguments are checked as at the invoke before the action is consumed: a confirm runs only what
    // the invoke would have accepted (and a refused confirm leaves the action pending).
    this.validator.assertValid(manifest, input);
    const decision =
      (decided && policyDecisionOf(request)) ??
      this.policy.decide(principal, 'tools.invoke', { ...manifest });
    const requestId = String(request.id);
    const sensitiveFields = manifest.sensitive_fields ?? [];
    const action = await this.confirmation.consume({
      principal,
      toolId,
      actionToken,
      input,
      manifestVersion: manifest.version,
      decision,
      requestId,
      sensitiveFields,
    });
    const call: InvocationRequest = {
      toolId,
      manifestVersion: manifest.version,
      providerId: manifest.provider_id,
      tenant: principal.tenant,
      principal,
      requestId,
      correlationId: action.correlationId,
      input,
      payloadDigest: payloadDigestOf(input),
      decision,
      sensitiveFields,
    };
    return this.executor.execute(call, manifest);
  }
}
