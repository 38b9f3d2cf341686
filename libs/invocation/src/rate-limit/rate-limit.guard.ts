import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyReply, type FastifyRequest } from 'fastify';

import { CatalogService, manifestOfResource } from '@toolgate/catalog';
import { correlationIdOf, IS_PUBLIC_KEY, principalOf } from '@toolgate/core';
import { type PolicyRequirement, policyResourceOf, REQUIRE_POLICY_KEY } from '@toolgate/policy';

import { RateLimitedException } from '../invocation.exception';
import { RateLimitAuditService } from './rate-limit-audit.service';
import { rateLimitHeaders, RateLimitService } from './rate-limit.service';

/**
 * Global guard after authentication and authorization: every authenticated request spends from a tenant +
 * subject bucket: tool calls from the `tools` bucket (or the tool's own when its manifest sets
 * `rate_limit`), other API calls from the `api` bucket, so browsing never spends invocation budget.
 * `RateLimit-*` headers go on every such response (errors included); 429 adds `Retry-After` and is audited
 * (`rate.limited`, grouped per key and window by `RateLimitAuditService`).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimitService,
    private readonly catalog: CatalogService,
    private readonly refusals: RateLimitAuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = principalOf(request);
    if (!principal) return true;
    const toolId = this.invokedTool(context, request);
    // The manifest the policy guard resolved (no second lookup), else the catalog's.
    const own = toolId
      ? (manifestOfResource(policyResourceOf(request)) ?? this.catalog.resolve(toolId, principal))?.rate_limit
      : undefined;
    const scope = own ? `tool:${toolId}` : toolId ? 'tools' : 'api';
    const state = await this.limits.consume(principal, scope, own);
    const headers = rateLimitHeaders(state);
    context.switchToHttp().getResponse<FastifyReply>().headers(headers);
    if (!state.allowed) {
      this.refusals.record({
        principal,
        bucket: scope,
        transport: 'rest',
        toolId,
        requestId: String(request.id),
        correlationId: correlationIdOf(request),
        retryAfter: state.retryAfter,
        details: { route: request.routeOptions?.url, method: request.method },
      });
      throw new RateLimitedException(state.retryAfter, headers);
    }
    return true;
  }

  /** The tool id when the route runs a tool (`@RequirePolicy.forTool('tools.invoke', …)`). */
  private invokedTool(context: ExecutionContext, request: FastifyRequest): string | undefined {
    const requirement = this.reflector.get<PolicyRequirement | undefined>(
      REQUIRE_POLICY_KEY,
      context.getHandler(),
    );
    if (requirement?.action !== 'tools.invoke' || !requirement.toolParam) return undefined;
    return (request.params as Record<string, string | undefined>)[requirement.toolParam];
  }
}
