import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type MixedList } from 'typeorm';

import { databaseConfig } from './database.config';
import { buildDataSourceOptions } from './database.options';
import { EmbeddedDatabaseService } from './embedded-database.service';

/**
 * Resolves the gateway's database URL (starting the embedded Postgres when `DATABASE_URL` is unset). A static
 * module, so every importer shares the instance `DatabaseModule.forRoot()` started.
 */
@Module({
  imports: [ConfigModule.forFeature(databaseConfig)],
  providers: [EmbeddedDatabaseService],
  exports: [EmbeddedDatabaseService],
})
export class EmbeddedDatabaseModule {}

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
}

/** TypeORM on Postgres; entities register themselves with `TypeOrmModule.forFeature` in their own lib. */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [EmbeddedDatabaseModule, ConfigModule.forFeature(databaseConfig)],
          inject: [databaseConfig.KEY, EmbeddedDatabaseService],
          useFactory: async (
            config: ConfigType<typeof databaseConfig>,
            embedded: EmbeddedDatabaseService,
          ) => ({
            ...buildDataSourceOptions({
              url: await embedded.resolveUrl(),
              poolSize: config.poolSize,
              migrations: options.migrations,
              migrationsRun: config.runMigrations,
            }),
            autoLoadEntities: true,
            retryAttempts: 0,
          }),
        }),
      ],
    };
  }
}
