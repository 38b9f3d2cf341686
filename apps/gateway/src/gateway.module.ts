import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { type DestinationStream } from 'pino';

import { AuditModule } from '@toolgate/audit';
import { AuthModule } from '@toolgate/auth';
import { BrokerModule } from '@toolgate/broker';
import { CatalogModule } from '@toolgate/catalog';
import { appConfig } from '@toolgate/config';
import { ConfirmationModule } from '@toolgate/confirmation';
import { BoundedValidationPipe, ProblemDetailsFilter } from '@toolgate/core';
import { DatabaseModule } from '@toolgate/database';
import { InvocationModule } from '@toolgate/invocation';
import { McpModule } from '@toolgate/mcp';
import { McpServerModule } from '@toolgate/mcp-server';
import { ObservabilityModule } from '@toolgate/observability';
import { PolicyModule } from '@toolgate/policy';
import { AdsProviderModule } from '@toolgate/provider-ads';
import { DatabaseProviderModule } from '@toolgate/provider-database';
import { HttpProviderModule } from '@toolgate/provider-http';
import { PipedriveProviderModule } from '@toolgate/provider-pipedrive';

import { MIGRATIONS } from '@toolgate/migrations';

export interface GatewayModuleOptions {
  /** Where log lines go (stdout when unset); tests capture them. */
  logDestination?: DestinationStream;
  /** Extra modules composed beside the gateway's own (the e2e suite mounts probe routes this way). */
  imports?: ModuleMetadata['imports'];
}

/** Composes the gateway from its libs. Nothing but wiring lives here. */
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayModuleOptions = {}): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, cache: true, load: [appConfig], ignoreEnvFile: true }),
        ObservabilityModule.forRoot({ destination: options.logDestination }),
        DatabaseModule.forRoot({ migrations: MIGRATIONS }),
        AuthModule,
        PolicyModule,
        BrokerModule,
        AuditModule,
        CatalogModule,
        ConfirmationModule,
        InvocationModule,
        McpModule,
        McpServerModule,
        DatabaseProviderModule,
        PipedriveProviderModule,
        AdsProviderModule,
        HttpProviderModule,
        ...(options.imports ?? []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        {
          provide: APP_PIPE,
          useValue: new BoundedValidationPipe(),
        },
      ],
    };
  }
}
