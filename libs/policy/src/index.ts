export { PolicyModule } from './policy.module';
export { PolicyService } from './policy.service';
export { PolicyGuard } from './policy.guard';
export { type PolicyRequirement, REQUIRE_POLICY_KEY, RequirePolicy } from './require-policy.decorator';
export {
  type PolicyDecision,
  type PolicyLoadFailure,
  type PolicyResource,
  type PolicyStatus,
} from './policy.types';
export { POLICY_RESOURCE_RESOLVER, type PolicyResourceResolver } from './policy-resource-resolver.types';
export { attachPolicyDecision, policyDecisionOf, policyResourceOf } from './policy-request.util';
export { PolicyDeniedException, PolicyInvalidException } from './policy.exception';
export { policyConfig, type PolicyConfig } from './policy.config';
export { type ExplainRequest, type PolicyExplanation } from './policy-explain.service';
