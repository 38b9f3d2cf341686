import { type FastifyRequest } from 'fastify';

import { type PolicyDecision, type PolicyResource } from '../policy.types';

type RequestWithDecision = FastifyRequest & {
  policyDecision?: PolicyDecision;
  policyResource?: PolicyResource;
};

/**
 * Keeps the guard's decision on the request for later stages (confirmation gate, audit), with the resource it
 * was made on: later stages run what was decided on rather than look the tool up again.
 */
export function attachPolicyDecision(
  request: FastifyRequest,
  decision: PolicyDecision,
  resource?: PolicyResource,
): void {
  const decided = request as RequestWithDecision;
  decided.policyDecision = decision;
  decided.policyResource = resource;
}

/** The decision the policy guard made for this request, if it made one. */
export function policyDecisionOf(request: FastifyRequest): PolicyDecision | undefined {
  return (request as RequestWithDecision).policyDecision;
}

/** The resource the guard's decision was made on, as the resolver returned it (`undefined` if none). */
export function policyResourceOf(request: FastifyRequest): PolicyResource | undefined {
  return (request as RequestWithDecision).policyResource;
}
