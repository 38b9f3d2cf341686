import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { HealthContributors } from './health/health-contributors.service';
import { HealthController } from './health/health.controller';
import { MemoryHealthIndicator } from './health/memory-health.indicator';
import { LoggingModule, type LoggingOptions } from './logging/logging.module';
import { MetricsService } from './metrics/http-metrics.service';
import { MetricsController } from './metrics/metrics.controller';

/** Logs, metrics and health for the whole app. Global so any lib can add metrics or health indicators. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: LoggingOptions = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [LoggingModule.forRoot(options), TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [MetricsService, MemoryHealthIndicator, HealthContributors],
      exports: [MetricsService, HealthContributors, LoggingModule],
    };
  }
}
