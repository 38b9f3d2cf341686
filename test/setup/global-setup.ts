import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EmbeddedPostgres } from '../../libs/database/src/embedded/embedded-postgres.service';
import { findFreePort } from '../../libs/database/src/embedded/port.util';

/** One embedded Postgres for the whole run, on a random port; each test file creates its own database. */
export default async function globalSetup(): Promise<void> {
  const baseDir = await mkdtemp(join(tmpdir(), 'toolgate-test-pg-'));
  await chmod(baseDir, 0o755);
  const server = new EmbeddedPostgres({ baseDir, port: await findFreePort(), database: 'toolgate_test' });
  await server.start();
  (globalThis as Record<string, unknown>).__TOOLGATE_PG__ = server;
  process.env.TOOLGATE_TEST_PG_ADMIN_URL = server.url('postgres');
  process.env.TOOLGATE_TEST_PG_DIR = baseDir;
}
