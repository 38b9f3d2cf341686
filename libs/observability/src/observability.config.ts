import { registerAs } from '@nestjs/config';
import { IsIn } from 'class-validator';

import { validateEnv } from '@toolgate/config';

export class ObservabilityEnv {
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

export interface ObservabilityConfig {
  logLevel: string;
}

export const observabilityConfig = registerAs('observability', (): ObservabilityConfig => ({
  logLevel: validateEnv(ObservabilityEnv, process.env).LOG_LEVEL,
}));
