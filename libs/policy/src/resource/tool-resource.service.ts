import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

import { type Principal } from '@toolgate/core';

import { type PolicyResource } from '../policy.types';
import { POLICY_RESOURCE_RESOLVER, type PolicyResourceResolver } from './policy-resource-resolver.types';

/**
 * Finds the application's `POLICY_RESOURCE_RESOLVER` (the catalog provides it) once at bootstrap, and
 * resolves tool ids through it for the guard and for explain.
 */
@Injectable()
export class ToolResourceService implements OnApplicationBootstrap {
  private resolver?: PolicyResourceResolver;

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    try {
      this.resolver = this.moduleRef.get<PolicyResourceResolver>(POLICY_RESOURCE_RESOLVER, { strict: false });
    } catch {
      this.resolver = undefined;
    }
  }

  get available(): boolean {
    return this.resolver !== undefined;
  }

  /** The tool's attributes as `principal` sees it; undefined when it cannot see such a tool (or no resolver). */
  resolve(toolId: string, principal: Principal): Promise<PolicyResource | undefined> {
    return this.resolver ? this.resolver.resolve(toolId, principal) : Promise.resolve(undefined);
  }
}
