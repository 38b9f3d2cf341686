import { type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface DataSourceInput {
  url: string;
  poolSize?: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  migrationsRun?: boolean;
}

/** The one options object shared by the app and the migration CLI. */
export function buildDataSourceOptions(input: DataSourceInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.url,
    synchronize: false,
    migrations: input.migrations,
    migrationsRun: input.migrationsRun ?? false,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    entities: input.entities ?? [],
    applicationName: 'toolgate',
    extra: {
      max: input.poolSize ?? 20,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
    },
  };
}
