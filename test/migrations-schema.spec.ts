import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { ENTITIES } from '../migrations/entities';

/**
 * `npm run migration:generate` diffs the entities against the migrated schema: any query it would write is a
 * disagreement (a CHECK constraint the entities do not declare would be dropped by the next generated
 * migration). Runs on the test run's embedded Postgres, after every migration.
 */
describe('migrations and entities (integration)', () => {
  it('leave the schema builder nothing to change', async () => {
    const url = await createTestDatabase('schema');
    const dataSource = new DataSource(
      buildDataSourceOptions({ url, migrations: MIGRATIONS, entities: ENTITIES }),
    );
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
