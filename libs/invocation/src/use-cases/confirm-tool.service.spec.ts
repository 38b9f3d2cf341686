import { type FastifyRequest } from 'fastify';

import {
  type CatalogManifest,
  CatalogResourceService,
  type CatalogService,
  type SchemaValidatorService,
} from '@toolgate/catalog';
import { type ConfirmationService } from '@toolgate/confirmation';
import { attachPrincipal } from '@toolgate/core';
import { attachPolicyDecision, type PolicyDecision, type PolicyService } from '@toolgate/policy';
import { makeCatalogManifest, makePrincipal } from '@toolgate/testing';

import { ConfirmToolService } from './confirm-tool.service';
import { type ToolExecutorService } from './tool-executor.service';

const TOOL = 'test:wipe';
const before = makeCatalogManifest({ toolId: TOOL, version: 1, sensitive_fields: [] });
const after = makeCatalogManifest({ toolId: TOOL, version: 2, sensitive_fields: ['target'] });
const TOKEN = 'a'.repeat(43);

const decision: PolicyDecision = {
  allowed: true,
  matched_rules: ['allow-all'],
  missing_scopes: [],
  require_confirmation: true,
  require_approval: null,
  policy_version: 'v',
};

describe('ConfirmToolService', () => {
  it('confirms against the manifest the policy guard decided on, even when the catalog reloaded in between', async () => {
    let current: CatalogManifest = before;
    const catalog = { resolve: jest.fn(() => current) };
    const policy = { decide: jest.fn(() => decision) };
    const confirmation = { consume: jest.fn(async () => ({ correlationId: 'corr-1' })) };
    const executor = { execute: jest.fn(async () => ({ status: 200, body: '{}' })) };
    const service = new ConfirmToolService(
      catalog as unknown as CatalogService,
      { assertValid: () => undefined } as unknown as SchemaValidatorService,
      policy as unknown as PolicyService,
      confirmation as unknown as ConfirmationService,
      executor as unknown as ToolExecutorService,
    );
    const principal = makePrincipal();
    const request = { id: 'req-1', headers: {} } as unknown as FastifyRequest;
    attachPrincipal(request, principal);
    const resource = await new CatalogResourceService(catalog as unknown as CatalogService).resolve(
      TOOL,
      principal,
    );
    attachPolicyDecision(request, decision, resource!);
    current = after; // a reload between the guard and the use case

    await service.confirm(request, TOOL, { action_token: TOKEN, target: 'x' });

    expect(confirmation.consume).toHaveBeenCalledWith(
      expect.objectContaining({ manifestVersion: 1, decision, sensitiveFields: [] }),
    );
    const [call, manifest] = executor.execute.mock.calls[0] as unknown as [
      { manifestVersion: number; correlationId: string },
      CatalogManifest,
    ];
    expect(manifest).toBe(before);
    expect(call).toMatchObject({ manifestVersion: 1, correlationId: 'corr-1' });
    expect(catalog.resolve).toHaveBeenCalledTimes(1);
    expect(policy.decide).not.toHaveBeenCalled();
  });
});
