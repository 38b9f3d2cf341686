import { type Principal } from '@toolgate/core';

import { type PolicyResource } from '../policy.types';

/**
 * Optional provider (the catalog supplies it) that turns a tool id into the resource attributes the policy
 * decides on, as seen by the given principal; `undefined` when that principal cannot see such a tool.
 * Provide it under this token in any module: the policy looks it up application-wide.
 */
export const POLICY_RESOURCE_RESOLVER = 'toolgate:policy-resource-resolver';

export interface PolicyResourceResolver {
  resolve(toolId: string, principal: Principal): Promise<PolicyResource | undefined>;
}
