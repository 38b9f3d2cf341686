import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';

import { Public } from '@toolgate/core';

import { MetricsService } from './http-metrics.service';

@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Public()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'Text exposition format: HTTP and process metrics.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Metrics in Prometheus text format.',
    schema: {
      type: 'string',
      maxLength: 10_000_000,
      example: 'http_requests_total{method="GET",route="/health",status_code="200"} 3',
    },
  })
  scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}
