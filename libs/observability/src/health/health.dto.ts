import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ example: 'ok', enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ example: 42, minimum: 0, maximum: 1e10, format: 'int64' })
  uptime_seconds: number;
}

export class HealthReportDto {
  @ApiProperty({ example: 'ok', enum: ['ok', 'error', 'shutting_down'] })
  status: string;

  @ApiProperty({
    description: 'Indicators that are up.',
    example: { database: { status: 'up' }, memory: { status: 'up', memory_usage_percent: 3.1 } },
    type: 'object',
    additionalProperties: true,
  })
  info: Record<string, unknown>;

  @ApiProperty({
    description: 'Indicators that are down.',
    example: {},
    type: 'object',
    additionalProperties: true,
  })
  error: Record<string, unknown>;

  @ApiProperty({
    description: 'Every indicator.',
    example: { database: { status: 'up' } },
    type: 'object',
    additionalProperties: true,
  })
  details: Record<string, unknown>;

  @ApiProperty({ example: '2026-11-21T10:30:45.123Z', format: 'date-time', maxLength: 40 })
  timestamp: string;
}
