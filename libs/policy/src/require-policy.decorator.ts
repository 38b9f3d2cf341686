import { SetMetadata } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import { type PolicyResource } from './policy.types';

export const REQUIRE_POLICY_KEY = 'toolgate:require-policy';

export interface PolicyRequirement {
  action: string;
  /** Builds the resource from the request; when absent the resource is `{ tenant: <caller's tenant> }`. */
  resource?: (request: FastifyRequest) => PolicyResource | undefined;
}

/** Declares the action (and optionally the resource) the policy guard authorizes before the handler runs. */
export const RequirePolicy = (
  action: string,
  resource?: PolicyRequirement['resource'],
): MethodDecorator & ClassDecorator => SetMetadata(REQUIRE_POLICY_KEY, { action, resource } satisfies PolicyRequirement);
