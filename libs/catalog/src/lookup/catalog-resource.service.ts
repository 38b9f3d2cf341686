import { Injectable } from '@nestjs/common';

import { type Principal } from '@toolgate/core';
import { type PolicyResource, type PolicyResourceResolver } from '@toolgate/policy';

import { CatalogService } from '../catalog.service';
import { type CatalogManifest } from '../manifest.types';
import { resourceFromManifest } from '../manifest/manifest.util';

const MANIFEST = Symbol('toolgate:catalog-manifest');

type ResolvedResource = PolicyResource & { [MANIFEST]?: CatalogManifest };

/**
 * The manifest a resource from `CatalogResourceService.resolve` was made from: what the policy guard decided
 * on, so the call runs exactly that manifest (a catalog reload in between cannot swap it). `undefined` for
 * any other resource.
 */
export function manifestOfResource(resource: PolicyResource | undefined): CatalogManifest | undefined {
  return (resource as ResolvedResource | undefined)?.[MANIFEST];
}

/**
 * Provided as `POLICY_RESOURCE_RESOLVER`: turns a tool id into the attributes policies match on, as the
 * given principal sees it (policy guard, `/policy/explain`). `undefined` when that principal's tenant has no
 * such tool. The manifest travels along, non-enumerable (never copied, listed or serialised): see
 * `manifestOfResource`.
 */
@Injectable()
export class CatalogResourceService implements PolicyResourceResolver {
  constructor(private readonly catalog: CatalogService) {}

  async resolve(toolId: string, principal: Principal): Promise<PolicyResource | undefined> {
    const manifest = this.catalog.resolve(toolId, principal);
    if (!manifest) return undefined;
    return Object.defineProperty(resourceFromManifest(manifest), MANIFEST, { value: manifest });
  }
}
