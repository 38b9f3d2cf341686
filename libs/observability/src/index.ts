export { type HealthContributor, HealthContributors } from './health/health-contributors.service';
export { AppLogger, ROOT_LOGGER } from './logging/app-logger.service';
export { RequestLogger } from './logging/request-logger.service';
export { REDACT_PATHS, REDACTED } from './logging/log-redaction.util';
export { MetricsService } from './metrics/http-metrics.service';
export { ObservabilityModule } from './observability.module';
export { observabilityConfig } from './observability.config';
