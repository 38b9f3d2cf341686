import { SetMetadata } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import { type PolicyResource } from '../policy.types';

export const REQUIRE_POLICY_KEY = 'toolgate:require-policy';

export interface PolicyRequirement {
  action: string;
  /** Builds the resource from the request; when absent the resource is `{ tenant: <caller's tenant> }`. */
  resource?: (request: FastifyRequest) => PolicyResource | undefined;
  /**
   * Name of the route parameter holding a tool id: the guard resolves the tool through the catalog (as the
   * caller sees it) and decides on its manifest's attributes; a tool the caller cannot see is a 404.
   */
  toolParam?: string;
}

/** Declares the action (and optionally the resource) the policy guard authorizes before the handler runs. */
export const RequirePolicy = Object.assign(
  (action: string, resource?: PolicyRequirement['resource']): MethodDecorator & ClassDecorator =>
    SetMetadata(REQUIRE_POLICY_KEY, { action, resource } satisfies PolicyRequirement),
  {
    /** Authorizes `action` on the tool named by route parameter `toolParam` (404 when not visible). */
    forTool: (action: string, toolParam: string): MethodDecorator & ClassDecorator =>
      SetMetadata(REQUIRE_POLICY_KEY, { action, toolParam } satisfies PolicyRequirement),
  },
);
