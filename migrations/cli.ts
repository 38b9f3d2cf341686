import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DataSource } from 'typeorm';

import { buildDataSourceOptions, EmbeddedPostgres, loadDatabaseConfig } from '@toolgate/database';

import { ENTITIES } from './entities';
import { MIGRATIONS } from './index';

const USAGE =
  'usage: migration:run | migration:revert | migration:show | migration:generate -- <PascalCaseName>';

/** Connects with the app's own options; without DATABASE_URL, starts (and stops) the embedded Postgres. */
async function withDataSource<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const config = loadDatabaseConfig();
  const embedded = config.url
    ? undefined
    : new EmbeddedPostgres({ baseDir: config.embeddedDir, port: config.embeddedPort, database: 'toolgate' });
  const url = config.url ?? (await embedded!.start());
  const dataSource = new DataSource(
    buildDataSourceOptions({ url, migrations: MIGRATIONS, entities: ENTITIES }),
  );
  try {
    await dataSource.initialize();
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

function renderMigration(name: string, timestamp: number, up: string[], down: string[]): string {
  const lines = (queries: string[]) =>
    queries.map((query) => `    await queryRunner.query(${JSON.stringify(query)});`).join('\n');
  return `import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
}

async function main(command: string | undefined, name: string | undefined): Promise<void> {
  if (command === 'run') {
    const applied = await withDataSource((ds) => ds.runMigrations({ transaction: 'each' }));
    process.stdout.write(
      `Applied ${applied.length} migration(s)${applied.map((m) => `\n  ${m.name}`).join('')}\n`,
    );
  } else if (command === 'revert') {
    await withDataSource((ds) => ds.undoLastMigration({ transaction: 'each' }));
    process.stdout.write('Reverted the last migration\n');
  } else if (command === 'show') {
    const pending = await withDataSource((ds) => ds.showMigrations());
    process.stdout.write(pending ? 'There are pending migrations\n' : 'Database is up to date\n');
  } else if (command === 'generate' && name && /^[A-Z][A-Za-z0-9]+$/.test(name)) {
    const sql = await withDataSource(async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      return ds.driver.createSchemaBuilder().log();
    });
    if (sql.upQueries.length === 0) {
      process.stdout.write('No changes in the entities: nothing to generate\n');
      return;
    }
    const timestamp = Date.now();
    const file = join(process.cwd(), 'migrations', `${timestamp}-${name}.ts`);
    const up = sql.upQueries.map((query) => query.query);
    const down = sql.downQueries.map((query) => query.query).reverse();
    writeFileSync(file, renderMigration(name, timestamp, up, down));
    process.stdout.write(`Wrote ${file}; add it to migrations/index.ts\n`);
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 1;
  }
}

main(process.argv[2], process.argv[3]).catch((error: unknown) => {
  process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
