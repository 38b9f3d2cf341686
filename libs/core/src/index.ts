export { DomainException, type DomainExceptionOptions } from './errors/domain.exception';
export {
  ConflictException,
  MAX_REPORTED_VIOLATIONS,
  RequestValidationException,
  ResourceNotFoundException,
  ToolNotFoundException,
} from './errors/common.exception';
export { mapToProblem, type MappedProblem } from './errors/problem.mapper';
export { buildProblemBody, ProblemDetailsFilter } from './errors/problem-details.filter';
export {
  PROBLEM_CONTENT_TYPE,
  problemType,
  type ProblemDetails,
  type ProblemViolation,
} from './errors/problem.types';
export { generateRequestId, REQUEST_ID_HEADER } from './http/request-id.util';
export { correlationIdOf } from './http/correlation-id.util';
export { validationExceptionFactory } from './http/validation.util';
export { BoundedValidationPipe, MAX_BODY_DEPTH } from './http/bounded-validation.pipe';
export { JsonTooDeepError, MAX_JSON_BODY_DEPTH, nestsDeeperThan } from './http/json-depth.util';
export { UnsupportedMediaTypeError } from './http/media-type.util';
export { jsonBytesWithin } from './json/json-bytes.util';
export { IS_PUBLIC_KEY, Public } from './auth/public.decorator';
export { attachPrincipal, credentialOf, type Principal, principalOf } from './auth/principal.types';
export { CurrentPrincipal } from './auth/current-principal.decorator';
export { canonicalJson, sha256Hex } from './json/canonical-json.util';
export { hasUnstorableText, storableText } from './json/storable-json.util';
export { type JsonLimits, redactJson, type RedactOptions } from './redaction/redaction.util';
export { isSecretName, isSecretValue, REDACTED, SensitiveFields } from './redaction/sensitive-data.util';
export { IsStorableText } from './http/storable-text.decorator';
export { PageLimit, type PageLimitOptions } from './http/page-limit.decorator';
export { createJsonSchemaAjv, type JsonSchema, schemaProblems, toViolations } from './json/json-schema.util';
export {
  argumentsViolation,
  depthViolation,
  MAX_ARGUMENT_DEPTH,
  MAX_SCHEMA_DEPTH,
} from './json/json-depth.util';
export { escapePointerSegment } from './json/json-pointer.util';
export { SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_VALUES } from './json/schema-walk.util';
export {
  PatternTextTooLongError,
  PatternTimeBudgetError,
  unsupportedPatternReason,
  withMatchBudget,
} from './json/linear-regexp.util';
export { declaresSchemaId } from './json/schema-safety.util';
export {
  type BrokeredCredentials,
  type DeadlineEvents,
  type OwnedDeadline,
  type InvocationContext,
  type InvocationDeadline,
} from './providers/invocation-context.types';
export { createDeadline } from './providers/deadline.util';
export { markBeforeUpstream, raisedBeforeUpstream } from './providers/before-upstream.util';
export { invokeWithDeadline, workLeftRunning } from './providers/provider-invoke.util';
export {
  ProviderRegistrationError,
  ProviderTimeoutException,
  ProviderUnavailableException,
  ProviderUnconfiguredException,
  ProviderUpstreamException,
  UnknownToolException,
} from './providers/provider.exception';
export { ProviderRegistryModule } from './providers/provider-registry.module';
export {
  ProviderRegistry,
  type RegisteredProvider,
  type RegisteredTool,
} from './providers/provider-registry.service';
export {
  defineTool,
  type ToolDefinition,
  type ToolInput,
  type ToolRateLimit,
  toolIdOf,
} from './providers/tool-definition.types';
export {
  type ProviderDescription,
  type ProviderHealth,
  ToolProviderHost,
} from './providers/tool-provider-host.types';
export {
  CURRENT_CONTRACT_VERSION,
  SUPPORTED_CONTRACT_VERSIONS,
  ToolProvider,
  type ToolProviderOptions,
} from './providers/tool-provider.decorator';
export { AUDIT_SINK, type AuditEventInput, type AuditSink } from './audit/audit-sink.types';
export {
  type AggregatedCount,
  type AggregationKey,
  AggregationWindow,
  MAX_AGGREGATION_KEYS,
} from './audit/aggregation-window.util';
export { AggregatedAuditor } from './audit/aggregated-audit.util';
export {
  assertSafeUrl,
  type HostLookup,
  type ResolvedAddress,
  type SsrfGuardOptions,
  UnsafeUrlException,
} from './net/ssrf-guard.util';
export { createSafeDispatcher, type SafeDispatcherOptions } from './net/safe-dispatcher.util';
export { unsafeAddressReason } from './net/address-policy.util';
export { loadSsrfConfig, type SsrfConfig } from './net/ssrf.config';
export { backoffMs, fitsBeforeDeadline, pause, retryAfterMs } from './net/upstream-retry.util';
export { BodyTooLargeError, readBody, readBodyBytes } from './net/capped-body.util';
