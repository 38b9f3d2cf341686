import { getHeapStatistics } from 'node:v8';

import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

const MAX_HEAP_PERCENT = 80;

/** Heap usage against the heap limit, as the seed tool server reports it (`memory_usage_percent`). */
@Injectable()
export class MemoryHealthIndicator {
  constructor(private readonly indicator: HealthIndicatorService) {}

  check(key = 'memory') {
    const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
    const percent = Math.round((used / limit) * 1000) / 10;
    const details = {
      heap_used_bytes: used,
      heap_limit_bytes: limit,
      rss_bytes: process.memoryUsage.rss(),
      memory_usage_percent: percent,
    };
    const session = this.indicator.check(key);
    return percent < MAX_HEAP_PERCENT ? session.up(details) : session.down(details);
  }
}
