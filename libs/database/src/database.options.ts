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

/**
 * pg-pool listens to a client's errors only while it is idle in the pool. A client checked out but between
 * queries when Postgres ends its session (a restart, an admin shutdown) emits `error` with nobody
 * listening, which would crash the process. Every client gets a listener of its own; its holder's next
 * query fails instead, and the pool drops a client that is no longer queryable when it comes back.
 */
export function keepErrorsFromCrashing(client: { on(event: 'error', listener: () => void): unknown }): void {
  client.on('error', () => undefined);
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
      onConnect: keepErrorsFromCrashing,
    },
  };
}
