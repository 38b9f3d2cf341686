import { Controller, Get, Logger } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';

import { Public } from '@toolgate/core';

import { HealthContributors } from './health-contributors.service';
import { HealthReportDto, LivenessDto } from './health.dto';
import { MemoryHealthIndicator } from './memory-health.indicator';

const DATABASE_PING_TIMEOUT_MS = 1_500;
/** Concurrent and repeated probes within this long share one ping: the public routes cost no pool client each. */
const DATABASE_PING_REUSE_MS = 1_000;

@ApiTags('ops')
@Public()
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();
  private readonly logger = new Logger('Health');
  private lastPing?: { at: number; result: Promise<HealthIndicatorResult> };

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly contributors: HealthContributors,
  ) {}

  @Get('live')
  @ApiOperation({
    summary: 'Liveness',
    description: 'The process is up and serving HTTP. No dependency is checked.',
  })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok', uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness',
    description: 'Pings the database with a short timeout; 503 while it is down.',
  })
  @ApiOkResponse({ type: HealthReportDto })
  @ApiServiceUnavailableResponse({
    description: 'A dependency is down (problem+json with the health report).',
  })
  async ready(): Promise<HealthCheckResult & { timestamp: string }> {
    const result = await this.health.check([() => this.pingDatabase()]);
    return { ...result, timestamp: new Date().toISOString() };
  }

  @Get()
  @ApiOperation({
    summary: 'Full health report',
    description: 'Readiness plus heap usage and the indicators of every module (policy, upstreams, storage).',
  })
  @ApiOkResponse({ type: HealthReportDto })
  @ApiServiceUnavailableResponse({
    description: 'A dependency is down (problem+json with the health report).',
  })
  async report(): Promise<HealthCheckResult & { timestamp: string }> {
    const result = await this.health.check([
      () => this.pingDatabase(),
      () => this.memory.check('memory'),
      ...this.contributors.all(),
    ]);
    return { ...result, timestamp: new Date().toISOString() };
  }

  /**
   * The database's state, never why it is down: these routes are public, and the driver's message names
   * hosts, addresses and roles. The reason goes to the log.
   */
  private pingDatabase(): Promise<HealthIndicatorResult> {
    const now = Date.now();
    if (this.lastPing && now - this.lastPing.at < DATABASE_PING_REUSE_MS) return this.lastPing.result;
    const result = Promise.resolve(
      this.database.pingCheck('database', { timeout: DATABASE_PING_TIMEOUT_MS }),
    ).then((found: HealthIndicatorResult) => {
      if (found.database?.status === 'up') return found;
      this.logger.warn({ msg: 'database ping failed', reason: String(found.database?.message ?? 'down') });
      return { database: { status: 'down' as const } };
    });
    this.lastPing = { at: now, result };
    return result;
  }
}
