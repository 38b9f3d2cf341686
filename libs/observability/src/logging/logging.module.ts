import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { type DestinationStream } from 'pino';

import { observabilityConfig } from '../observability.config';
import { AppLogger, ROOT_LOGGER } from './app-logger.service';
import { RequestLogger } from './request-logger.service';
import { createRootLogger } from './root-logger';

export interface LoggingOptions {
  /** Where log lines go (stdout when not provided); tests capture them. */
  destination?: DestinationStream;
}

/** pino JSON logs: Nest's logger (`AppLogger`) and the per-request completion line (`RequestLogger`). */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [ConfigModule.forFeature(observabilityConfig)],
      providers: [
        {
          provide: ROOT_LOGGER,
          inject: [observabilityConfig.KEY],
          useFactory: (config: ConfigType<typeof observabilityConfig>) =>
            createRootLogger(config.logLevel, options.destination),
        },
        AppLogger,
        RequestLogger,
      ],
      exports: [ROOT_LOGGER, AppLogger, RequestLogger],
    };
  }
}
