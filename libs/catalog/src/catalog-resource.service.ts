import { Injectable } from '@nestjs/common';

import { type Principal } from '@toolgate/core';
import { type PolicyResource, type PolicyResourceResolver } from '@toolgate/policy';

import { CatalogService } from './catalog.service';
import { resourceFromManifest } from './manifest.util';

/**
 * Provided as `POLICY_RESOURCE_RESOLVER`: turns a tool id into the attributes policies match on, as the
 * given principal sees it (`/policy/explain`). `undefined` when that principal's tenant has no such tool.
 */
@Injectable()
export class CatalogResourceService implements PolicyResourceResolver {
  constructor(private readonly catalog: CatalogService) {}

  async resolve(toolId: string, principal: Principal): Promise<PolicyResource | undefined> {
    const manifest = this.catalog.resolve(toolId, principal);
    return manifest ? resourceFromManifest(manifest) : undefined;
  }
}
