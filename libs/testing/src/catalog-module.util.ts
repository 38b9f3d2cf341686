import { type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ManifestEntity, ManifestVersionEntity } from '@toolgate/catalog';
import { ProviderRegistryModule } from '@toolgate/core';
import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';

import { TestProviderModule } from './test-provider/test-provider.module';

const ENTITIES = [ManifestEntity, ManifestVersionEntity];

/**
 * An initialised Nest module of catalog `providers` on the database at `url` (migrated): the catalog's
 * entities, its own pool, and the provider registry with the `test` provider mounted. One per replica.
 */
export async function startCatalogModule(url: string, providers: Provider[]): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...buildDataSourceOptions({ url, migrations: MIGRATIONS, migrationsRun: true, poolSize: 4 }),
        entities: ENTITIES,
        retryAttempts: 0,
      }),
      TypeOrmModule.forFeature(ENTITIES),
      ProviderRegistryModule,
      TestProviderModule,
    ],
    providers,
  }).compile();
  await moduleRef.init();
  return moduleRef;
}
