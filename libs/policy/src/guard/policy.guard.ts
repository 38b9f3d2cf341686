import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  Optional,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';

import {
  AUDIT_SINK,
  type AuditSink,
  correlationIdOf,
  IS_PUBLIC_KEY,
  type Principal,
  principalOf,
  ToolNotFoundException,
} from '@toolgate/core';

import {
  PolicyDeniedException,
  PolicyNotDeclaredException,
  PolicyUnauthenticatedException,
} from '../policy.exception';
import { PolicyService } from '../policy.service';
import { type PolicyDecision, type PolicyResource } from '../policy.types';
import { ToolResourceService } from '../resource/tool-resource.service';
import { attachPolicyDecision } from './policy-request.util';
import { type PolicyRequirement, REQUIRE_POLICY_KEY } from './require-policy.decorator';

/**
 * Global guard (registered after the auth guard): `@Public()` handlers pass; otherwise the caller must be
 * authenticated (401) and the handler's `@RequirePolicy()` action must be allowed on its resource (403
 * naming the rule or the missing scopes). A handler declaring neither is denied by default. Denied tool
 * calls are audited (`tools.deny`) without holding the 403 back; a lost event is logged.
 */
@Injectable()
export class PolicyGuard implements CanActivate {
  private readonly logger = new Logger('PolicyGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly policy: PolicyService,
    private readonly tools: ToolResourceService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  private async resourceOf(
    requirement: PolicyRequirement,
    request: FastifyRequest,
    principal: Principal,
  ): Promise<PolicyResource> {
    if (requirement.toolParam) {
      const toolId = (request.params as Record<string, string | undefined>)[requirement.toolParam] ?? '';
      const resource = await this.tools.resolve(toolId, principal);
      if (!resource) throw new ToolNotFoundException(toolId);
      return resource;
    }
    return requirement.resource?.(request) ?? { tenant: principal.tenant };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = principalOf(request);
    if (!principal) throw new PolicyUnauthenticatedException();
    const requirement = this.reflector.getAllAndOverride<PolicyRequirement | undefined>(
      REQUIRE_POLICY_KEY,
      targets,
    );
    if (!requirement) {
      this.logger.warn({
        msg: 'route declares neither @Public() nor @RequirePolicy(): denied by default',
        handler: `${context.getClass().name}.${context.getHandler().name}`,
        route: request.routeOptions?.url,
        request_id: request.id,
      });
      throw new PolicyNotDeclaredException();
    }
    const resource = await this.resourceOf(requirement, request, principal);
    const decision = this.policy.decide(principal, requirement.action, resource);
    attachPolicyDecision(request, decision, resource);
    if (!decision.allowed) {
      if (requirement.action === 'tools.invoke') this.auditDenial(request, principal, resource, decision);
      throw new PolicyDeniedException(requirement.action, decision);
    }
    return true;
  }

  private auditDenial(
    request: FastifyRequest,
    principal: Principal,
    resource: PolicyResource,
    decision: PolicyDecision,
  ): void {
    this.audit
      ?.record({
        event: 'tools.deny',
        tenant: principal.tenant,
        subject: principal.subject,
        tool_id: resource.toolId,
        decision: 'deny',
        status: '403',
        request_id: String(request.id),
        correlation_id: correlationIdOf(request),
        policy_version: decision.policy_version,
        details: {
          denied_by: decision.denied_by,
          matched_rules: decision.matched_rules,
          missing_scopes: decision.missing_scopes,
          route: request.routeOptions?.url,
        },
      })
      .catch((error: unknown) =>
        this.logger.error({
          msg: 'audit event lost',
          event: 'tools.deny',
          request_id: request.id,
          err: String(error),
        }),
      );
  }
}
