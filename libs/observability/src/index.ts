export { type HealthContributor, HealthContributors } from './health/health-contributors.service';
export { LOG_DESTINATION } from './logging/logging.module';
export { REDACT_PATHS, REDACTED } from './logging/log-redaction.util';
export { MetricsService } from './metrics/http-metrics.service';
export { ObservabilityModule } from './observability.module';
export { observabilityConfig } from './observability.config';
