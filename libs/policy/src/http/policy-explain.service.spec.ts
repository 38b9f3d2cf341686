import { type ModuleRef } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';

import { attachPrincipal, type Principal, ResourceNotFoundException } from '@toolgate/core';

import { CompiledPolicy } from '../engine/compiled-policy.util';
import { parsePolicy } from '../loader/policy-file.util';
import { type PolicyService } from '../policy.service';
import { type PolicyResource } from '../policy.types';
import { type PolicyResourceResolver } from '../resource/policy-resource-resolver.types';
import { ToolResourceService } from '../resource/tool-resource.service';
import { explainGuardResource, PolicyExplainService } from './policy-explain.service';

const POLICY = new CompiledPolicy(
  parsePolicy(
    `
roles:
  writer: ["ads.write"]
rules:
  - id: write-ads
    effect: allow
    when: { action: tools.invoke, resource.provider_id: ads, subject.roles: [writer] }
    require_approval: { roles: [writer] }
  - id: isolation
    effect: deny
    when: { resource.tenant: "!= subject.tenant" }
`,
    'explain.yml',
  ),
);

const policyService = {
  decide: (principal: Principal, action: string, resource?: PolicyResource) =>
    POLICY.decide(principal, action, resource ?? { tenant: principal.tenant }),
  effectiveScopes: (principal: Principal) => [...POLICY.effectiveScopes(principal)],
} as unknown as PolicyService;

const caller: Principal = { subject: 'me', tenant: 'acme', roles: [], scopes: [], kind: 'jwt' };

function explainer(resolver?: PolicyResourceResolver): PolicyExplainService {
  const moduleRef = {
    get: () => {
      if (!resolver) throw new Error('no provider');
      return resolver;
    },
  } as unknown as ModuleRef;
  const tools = new ToolResourceService(moduleRef);
  tools.onApplicationBootstrap();
  return new PolicyExplainService(policyService, tools);
}

describe('PolicyExplainService', () => {
  it('explains a denial for the caller itself', async () => {
    const answer = await explainer().explain(caller, {
      action: 'tools.invoke',
      resource: { toolId: 'ads:create', provider_id: 'ads', tenant: 'acme', required_scopes: ['ads.write'] },
    });
    expect(answer).toEqual({
      decision: 'deny',
      denied_by: 'default-deny',
      matched_rules: [],
      missing_scopes: ['ads.write'],
      require_confirmation: false,
      require_approval: null,
      policy_version: POLICY.version,
      effective_scopes: [],
    });
  });

  it('explains for another principal, with its roles and scopes', async () => {
    const answer = await explainer().explain(caller, {
      action: 'tools.invoke',
      resource: { provider_id: 'ads', tenant: 'acme', required_scopes: ['ads.write'] },
      principal: { subject: 'w', tenant: 'acme', roles: ['writer'] },
    });
    expect(answer).toMatchObject({
      decision: 'allow',
      denied_by: null,
      matched_rules: ['write-ads'],
      require_confirmation: true,
      require_approval: { roles: ['writer'], rule: 'write-ads' },
      effective_scopes: ['ads.write'],
    });
  });

  it('fills resource attributes from the resolver, which wins over the body', async () => {
    const resolve = jest.fn(async () => ({ toolId: 'ads:create', provider_id: 'ads', tenant: 'globex' }));
    const answer = await explainer({ resolve }).explain(caller, {
      action: 'tools.invoke',
      resource: { toolId: 'ads:create', tenant: 'acme' },
      principal: { subject: 'w', tenant: 'acme', roles: ['writer'] },
    });
    expect(resolve).toHaveBeenCalledWith('ads:create', expect.objectContaining({ subject: 'w' }));
    expect(answer).toMatchObject({
      decision: 'deny',
      denied_by: 'isolation',
      matched_rules: ['write-ads', 'isolation'],
    });
  });

  it('answers 404 when the resolver does not know the tool', async () => {
    const service = explainer({ resolve: async () => undefined });
    await expect(
      service.explain(caller, { action: 'tools.invoke', resource: { toolId: 'ghost:tool' } }),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('defaults the resource to the explained principal tenant', async () => {
    const answer = await explainer().explain(caller, { action: 'anything' });
    expect(answer.matched_rules).toEqual([]);
    const other = await explainer().explain(caller, {
      action: 'anything',
      resource: { tenant: 'globex' },
    });
    expect(other.denied_by).toBe('isolation');
  });
});

describe('explainGuardResource', () => {
  function request(body: unknown): FastifyRequest {
    const req = { body } as FastifyRequest;
    attachPrincipal(req, caller);
    return req;
  }

  it('marks a request about oneself with owner = caller', () => {
    expect(explainGuardResource(request({ action: 'x' }))).toEqual({ tenant: 'acme', owner: 'me' });
  });

  it('leaves owner out when another principal is named, in that principal tenant', () => {
    const resource = explainGuardResource(
      request({ action: 'x', principal: { subject: 'me', tenant: 'globex' } }),
    );
    expect(resource).toEqual({ tenant: 'globex' });
  });
});
