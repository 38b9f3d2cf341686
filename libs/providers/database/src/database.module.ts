import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

import { EmbeddedDatabaseModule } from '@toolgate/database';

import { DatabaseClient } from './database.client';
import { databaseToolsConfig } from './database.config';
import { DatabaseProviderService } from './database-provider.service';
import { SampleProvisioner } from './sample/sample-provisioner.service';

/**
 * Mounts provider `database`; the registry discovers it, the catalog lists its tools. The embedded-database
 * module is the one `DatabaseModule.forRoot()` started (static module: one shared instance); it tells the
 * provider where to provision the sample database when `DATABASE_TOOLS_URL` is unset.
 */
@Module({
  imports: [ConfigModule.forFeature(databaseToolsConfig), EmbeddedDatabaseModule],
  providers: [DatabaseClient, SampleProvisioner, DatabaseProviderService],
  exports: [DatabaseProviderService, DatabaseClient],
})
export class DatabaseProviderModule {}
