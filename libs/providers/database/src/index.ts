export { DatabaseProviderModule } from './database.module';
export { DatabaseProviderService } from './database-provider.service';
export { DatabaseClient } from './database.client';
export {
  databaseToolsConfig,
  type DatabaseToolsConfig,
  loadDatabaseToolsConfig,
  TOOLS_URL_ENV,
  TOOLS_WRITE_URL_ENV,
} from './database.config';
export {
  DATABASE_PROVIDER_KEY,
  DatabaseQueryException,
  DatabaseTableNotFoundException,
} from './database.exception';
export {
  type CallBudget,
  type DatabaseTargets,
  type QueryAnswer,
  type ResultColumn,
  type StatementAnswer,
} from './database.types';
export { type SampleLogins, SampleProvisioner } from './sample/sample-provisioner.service';
export { SAMPLE_SIZE, SAMPLE_TABLES } from './sample/sample-dataset.util';
