import { Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import { type Principal, principalOf, ResourceNotFoundException } from '@toolgate/core';

import { PolicyService } from '../policy.service';
import { type PolicyDecision, type PolicyResource } from '../policy.types';
import { ToolResourceService } from '../resource/tool-resource.service';

/** Whom to explain for: the caller itself, or (platform admins) any principal. */
export interface ExplainTarget {
  subject: string;
  tenant: string;
  roles?: string[];
  scopes?: string[];
  kind?: Principal['kind'];
}

export interface ExplainRequest {
  action: string;
  resource?: PolicyResource;
  principal?: ExplainTarget;
}

export interface PolicyExplanation extends Omit<PolicyDecision, 'allowed' | 'denied_by'> {
  decision: 'allow' | 'deny';
  denied_by: string | null;
  /** The scopes the explained principal holds (token scopes plus role scopes). */
  effective_scopes: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The resource `policy:explain` is authorized on: explaining for oneself carries `owner` = the caller, so
 * the `explain-own-decisions` rule matches; naming a `principal` leaves `owner` out, so only a rule granting
 * explain on any principal (platform admins) allows it; so does a `principal` that is present but not an
 * object. The tenant is the explained principal's.
 */
export function explainGuardResource(request: FastifyRequest): PolicyResource {
  const caller = principalOf(request);
  const body: unknown = request.body;
  const named = isRecord(body) ? body.principal : undefined;
  if (named === undefined) return { tenant: caller?.tenant, owner: caller?.subject };
  // Any other value names a principal (validation refuses one that is not an object, after this guard).
  const target = isRecord(named) ? named : {};
  return { tenant: typeof target.tenant === 'string' ? target.tenant : caller?.tenant };
}

function definedOnly(resource: PolicyResource): PolicyResource {
  return Object.fromEntries(Object.entries(resource).filter(([, value]) => value !== undefined));
}

function toPrincipal(target: ExplainTarget): Principal {
  return {
    subject: target.subject,
    tenant: target.tenant,
    roles: target.roles ?? [],
    scopes: target.scopes ?? [],
    kind: target.kind ?? 'jwt',
  };
}

/** Answers "would this principal be allowed, and why" without performing anything. */
@Injectable()
export class PolicyExplainService {
  constructor(
    private readonly policy: PolicyService,
    private readonly tools: ToolResourceService,
  ) {}

  async explain(caller: Principal, request: ExplainRequest): Promise<PolicyExplanation> {
    const principal = request.principal ? toPrincipal(request.principal) : caller;
    const resource = await this.resolveResource(request.resource, principal);
    const {
      allowed,
      denied_by: deniedBy,
      ...decision
    } = this.policy.decide(principal, request.action, resource);
    return {
      decision: allowed ? 'allow' : 'deny',
      denied_by: deniedBy ?? null,
      ...decision,
      effective_scopes: this.policy.effectiveScopes(principal),
    };
  }

  /**
   * The body's attributes (the caller's tenant when none are given), overridden by the catalog's view of the
   * tool when a resolver is provided.
   */
  private async resolveResource(
    given: PolicyResource | undefined,
    principal: Principal,
  ): Promise<PolicyResource> {
    if (!given) return { tenant: principal.tenant };
    const resource = definedOnly(given);
    if (!this.tools.available || !given.toolId) return resource;
    const resolved = await this.tools.resolve(given.toolId, principal);
    if (!resolved) throw new ResourceNotFoundException(`Tool "${given.toolId}" was not found.`);
    return { ...resource, ...definedOnly(resolved) };
  }
}
