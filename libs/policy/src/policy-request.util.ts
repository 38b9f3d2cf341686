import { type FastifyRequest } from 'fastify';

import { type PolicyDecision } from './policy.types';

type RequestWithDecision = FastifyRequest & { policyDecision?: PolicyDecision };

/** Keeps the guard's decision on the request for later stages (confirmation gate, audit). */
export function attachPolicyDecision(request: FastifyRequest, decision: PolicyDecision): void {
  (request as RequestWithDecision).policyDecision = decision;
}

/** The decision the policy guard made for this request, if it made one. */
export function policyDecisionOf(request: FastifyRequest): PolicyDecision | undefined {
  return (request as RequestWithDecision).policyDecision;
}
