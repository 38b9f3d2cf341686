export { databaseConfig, type DatabaseConfig, loadDatabaseConfig } from './database.config';
export { DatabaseModule, type DatabaseModuleOptions } from './database.module';
export { buildDataSourceOptions, type DataSourceInput } from './database.options';
export { EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded/embedded-postgres.service';
export { findFreePort } from './embedded/port.util';
