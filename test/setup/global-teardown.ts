import { rm } from 'node:fs/promises';

import { type EmbeddedPostgres } from '../../libs/database/src/embedded/embedded-postgres.service';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>).__TOOLGATE_PG__ as EmbeddedPostgres | undefined;
  await server?.stop();
  if (process.env.TOOLGATE_TEST_PG_DIR)
    await rm(process.env.TOOLGATE_TEST_PG_DIR, { recursive: true, force: true });
}
