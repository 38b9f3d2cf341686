import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';

import { Public } from '@toolgate/core';

import { HealthContributors } from './health-contributors.service';
import { HealthReportDto, LivenessDto } from './health.dto';
import { MemoryHealthIndicator } from './memory-health.indicator';

const DATABASE_PING_TIMEOUT_MS = 1_500;

@ApiTags('ops')
@Public()
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

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

  private pingDatabase() {
    return this.database.pingCheck('database', { timeout: DATABASE_PING_TIMEOUT_MS });
  }
}
