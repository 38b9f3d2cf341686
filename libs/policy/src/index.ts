export { PolicyModule } from './policy.module';
export { PolicyService } from './policy.service';
export { PolicyGuard } from './guard/policy.guard';
export { type PolicyRequirement, REQUIRE_POLICY_KEY, RequirePolicy } from './guard/require-policy.decorator';
export {
  type PolicyDecision,
  type PolicyLoadFailure,
  type PolicyResource,
  type PolicyStatus,
} from './policy.types';
export {
  POLICY_RESOURCE_RESOLVER,
  type PolicyResourceResolver,
} from './resource/policy-resource-resolver.types';
export { attachPolicyDecision, policyDecisionOf, policyResourceOf } from './guard/policy-request.util';
export { PolicyDeniedException, PolicyInvalidException } from './policy.exception';
export { policyConfig, type PolicyConfig } from './policy.config';
export { type ExplainRequest, type PolicyExplanation } from './http/policy-explain.service';
