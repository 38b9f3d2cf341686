import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { ManifestVersionEntity } from '../entities/manifest-version.entity';
import { ManifestEntity } from '../entities/manifest.entity';

const ENTITIES = [ManifestEntity, ManifestVersionEntity];

describe('CreateManifests migration (integration)', () => {
  it('matches the entities, and down() removes what up() created', async () => {
    const url = await createTestDatabase('migr');
    const dataSource = new DataSource({
      ...buildDataSourceOptions({ url, migrations: MIGRATIONS, entities: ENTITIES }),
    });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
      // Revert this migration and every one after it.
      const later =
        MIGRATIONS.length - MIGRATIONS.findIndex((m) => m.name === 'CreateManifests1795298852706');
      for (let i = 0; i < later; i += 1) await dataSource.undoLastMigration();
      const tables = await dataSource.query(
        "SELECT table_name FROM information_schema.tables WHERE table_name IN ('manifests', 'manifest_versions')",
      );
      expect(tables).toEqual([]);
      await dataSource.runMigrations();
    } finally {
      await dataSource.destroy();
    }
  });
});
