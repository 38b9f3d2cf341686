import { Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CatalogModule } from '@toolgate/catalog';
import { ConfirmationModule } from '@toolgate/confirmation';
import { ProviderRegistryModule } from '@toolgate/core';

import { IdempotencyRecordEntity } from './idempotency/idempotency-record.entity';
import { IdempotencyService } from './idempotency/idempotency.service';
import { invocationConfig } from './invocation.config';
import { RateLimitAuditService } from './rate-limit/rate-limit-audit.service';
import { RateLimitStorage } from './rate-limit/rate-limit-storage.service';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitService } from './rate-limit/rate-limit.service';
import { ToolsController } from './tools/tools.controller';
import { ConfirmToolService } from './use-cases/confirm-tool.service';
import { IdempotentRunService } from './use-cases/idempotent-run.service';
import { InvokeToolService } from './use-cases/invoke-tool.service';
import { ToolExecutorService } from './use-cases/tool-executor.service';

const SWEEP_INTERVAL_MS = 10 * 60_000;

/** The invoke pipeline: tools routes, rate limits (global guard), idempotency, execution. */
@Module({
  imports: [
    ConfigModule.forFeature(invocationConfig),
    TypeOrmModule.forFeature([IdempotencyRecordEntity]),
    CatalogModule,
    ConfirmationModule,
    ProviderRegistryModule,
  ],
  controllers: [ToolsController],
  providers: [
    RateLimitStorage,
    RateLimitService,
    RateLimitAuditService,
    { provide: APP_GUARD, useClass: RateLimitGuard },
    IdempotencyService,
    IdempotentRunService,
    ToolExecutorService,
    InvokeToolService,
    ConfirmToolService,
  ],
  exports: [ToolExecutorService, IdempotentRunService, RateLimitService, RateLimitAuditService],
})
export class InvocationModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Idempotency');
  private sweeper?: NodeJS.Timeout;

  constructor(@Inject(IdempotencyService) private readonly idempotency: IdempotencyService) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => {
      this.idempotency.sweep().catch((error: unknown) => this.logger.warn(`Sweep failed: ${String(error)}`));
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}
