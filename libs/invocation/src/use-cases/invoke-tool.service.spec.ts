import { type FastifyRequest } from 'fastify';

import {
  type CatalogManifest,
  CatalogResourceService,
  type CatalogService,
  type SchemaValidatorService,
} from '@toolgate/catalog';
import { type ConfirmationService } from '@toolgate/confirmation';
import { attachPrincipal } from '@toolgate/core';
import {
  attachPolicyDecision,
  type PolicyDecision,
  type PolicyResource,
  type PolicyService,
} from '@toolgate/policy';
import { makeCatalogManifest, makePrincipal } from '@toolgate/testing';

import { type IdempotentRunService } from './idempotent-run.service';
import { InvokeToolService } from './invoke-tool.service';
import { type ToolExecutorService } from './tool-executor.service';

const TOOL = 'test:wipe';
const before = makeCatalogManifest({ toolId: TOOL, version: 1, safety_tags: [] });
const after = makeCatalogManifest({ toolId: TOOL, version: 2, safety_tags: ['destructive'] });

/** What the catalog policy decides: destructive tools need confirmation. */
const decide = (resource: PolicyResource): PolicyDecision => ({
  allowed: true,
  matched_rules: ['allow-all'],
  missing_scopes: [],
  require_confirmation: (resource.safety_tags ?? []).includes('destructive'),
  require_approval: null,
  policy_version: 'v',
});

function setup() {
  let current: CatalogManifest = before;
  const catalog = { resolve: jest.fn(() => current) };
  const policy = { decide: jest.fn((_principal, _action, resource: PolicyResource) => decide(resource)) };
  const executor = {
    execute: jest.fn(async () => ({ status: 200, body: '{}' })),
    admit: jest.fn(),
  };
  const confirmation = { hold: jest.fn(async () => ({ requires_confirmation: true })) };
  const idempotent = {
    run: (_scope: unknown, _digest: string, _request: unknown, work: () => Promise<unknown>) => work(),
  };
  const service = new InvokeToolService(
    catalog as unknown as CatalogService,
    { assertValid: () => undefined } as unknown as SchemaValidatorService,
    policy as unknown as PolicyService,
    executor as unknown as ToolExecutorService,
    idempotent as unknown as IdempotentRunService,
    confirmation as unknown as ConfirmationService,
  );
  const principal = makePrincipal();
  const request = { id: 'req-1', url: `/tools/${TOOL}/invoke` } as unknown as FastifyRequest;
  attachPrincipal(request, principal);
  /** What the policy guard does: resolve through the catalog's resolver, decide, attach both. */
  const guard = async () => {
    const resource = await new CatalogResourceService(catalog as unknown as CatalogService).resolve(
      TOOL,
      principal,
    );
    attachPolicyDecision(request, decide(resource!), resource);
  };
  const reload = () => {
    current = after;
  };
  return { service, request, catalog, policy, executor, confirmation, guard, reload };
}

describe('InvokeToolService', () => {
  it('runs the manifest the policy guard decided on, even when the catalog reloaded in between', async () => {
    const { service, request, catalog, policy, executor, confirmation, guard, reload } = setup();
    await guard();
    reload(); // the tool is now destructive: a decision on it would ask for confirmation
    await service.invoke(request, TOOL, {});
    expect(executor.execute).toHaveBeenCalledTimes(1);
    const [call, manifest] = executor.execute.mock.calls[0] as unknown as [
      { manifestVersion: number },
      CatalogManifest,
    ];
    expect(manifest).toBe(before);
    expect(call.manifestVersion).toBe(1);
    expect(confirmation.hold).not.toHaveBeenCalled();
    // One catalog lookup per call (the guard's), and no second decision.
    expect(catalog.resolve).toHaveBeenCalledTimes(1);
    expect(policy.decide).not.toHaveBeenCalled();
  });

  it('without a guard decision, decides on the manifest it runs', async () => {
    const { service, request, executor, confirmation, reload } = setup();
    reload();
    await service.invoke(request, TOOL, {});
    expect(executor.execute).not.toHaveBeenCalled();
    expect(confirmation.hold).toHaveBeenCalledWith(expect.objectContaining({ manifestVersion: 2 }));
  });
});
