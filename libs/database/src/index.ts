export { databaseConfig, type DatabaseConfig, loadDatabaseConfig } from './database.config';
export { DatabaseModule, type DatabaseModuleOptions, EmbeddedDatabaseModule } from './database.module';
export { buildDataSourceOptions, type DataSourceInput, keepErrorsFromCrashing } from './database.options';
export { EmbeddedDatabaseService } from './embedded-database.service';
export { EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded/embedded-postgres.service';
export { findFreePort } from './embedded/port.util';
export {
  ChannelListener,
  type ChannelListenerOptions,
  listenerClientConfig,
} from './listen/channel-listener.util';
