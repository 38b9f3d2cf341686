export { InvocationModule } from './invocation.module';
export { invocationConfig, type InvocationConfig, loadInvocationConfig } from './invocation.config';
export { type InvocationRequest } from './invocation.types';
export { IdempotencyRecordEntity } from './idempotency/idempotency-record.entity';
export { IdempotentRunService, type IdempotentAnswer } from './use-cases/idempotent-run.service';
export { asArguments } from './use-cases/invoke-tool.service';
export { jsonAnswer, type JsonAnswer, ToolExecutorService } from './use-cases/tool-executor.service';
export {
  rateLimitHeaders,
  type RateLimit,
  RateLimitService,
  type RateLimitState,
} from './rate-limit/rate-limit.service';
export { RateLimitAuditService, type RateLimitRefusal } from './rate-limit/rate-limit-audit.service';
export { ConfirmationRequiredDto, InvokeResponseDto, TokenMetaDto } from './tools/invoke-response.dto';
export { sendAnswer, TOOL_ID_PARAM } from './tools/tools.controller';
