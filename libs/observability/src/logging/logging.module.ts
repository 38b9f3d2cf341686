import { type IncomingMessage, type ServerResponse } from 'node:http';

import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { type DestinationStream } from 'pino';

import { observabilityConfig } from '../observability.config';
import { REDACT_PATHS, REDACTED } from './log-redaction.util';

/** Optional destination for log lines (tests capture them); stdout when not provided. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

function withDestination<T>(options: T, destination?: DestinationStream): T | [T, DestinationStream] {
  return destination ? [options, destination] : options;
}

type RoutedRequest = IncomingMessage & { id?: string; routePattern?: string };

/** Adds the matched route pattern (known only once routing ran) to the completion line. */
function withRoute(req: RoutedRequest, _res: ServerResponse, value: object): object {
  return {
    ...value,
    method: req.method,
    path: String(req.url).split('?')[0],
    route: req.routePattern ?? 'unmatched',
  };
}

export interface LoggingOptions {
  destination?: DestinationStream;
}

@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions = {}): DynamicModule {
    @Module({
      providers: [{ provide: LOG_DESTINATION, useValue: options.destination }],
      exports: [LOG_DESTINATION],
    })
    class LogDestinationModule {}

    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          imports: [ConfigModule.forFeature(observabilityConfig), LogDestinationModule],
          inject: [observabilityConfig.KEY, { token: LOG_DESTINATION, optional: true }],
          useFactory: (config: ConfigType<typeof observabilityConfig>, destination?: DestinationStream) => ({
            forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
            pinoHttp: withDestination(
              {
                level: config.logLevel,
                redact: { paths: REDACT_PATHS, censor: REDACTED },
                genReqId: (req: RoutedRequest) => req.id ?? '',
                customAttributeKeys: { reqId: 'request_id', responseTime: 'latency_ms' },
                quietReqLogger: true,
                customSuccessObject: withRoute,
                customErrorObject: withRoute,
                serializers: {
                  req: (req: { method: string; url: string; headers: Record<string, string> }) => ({
                    method: req.method,
                    path: String(req.url).split('?')[0],
                    user_agent: req.headers?.['user-agent'],
                  }),
                  res: (res: ServerResponse & { statusCode: number }) => ({ status: res.statusCode }),
                },
              },
              destination,
            ),
          }),
        }),
      ],
    };
  }
}
