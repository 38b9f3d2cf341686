import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ANCHOR_PUBLIC_KEY_FILE, AuditService, readAnchorPublicKey, verifyJsonlFile } from '@toolgate/audit';
import { EmbeddedPostgres, findFreePort } from '@toolgate/database';
import { runSql } from '@toolgate/testing';

import { startGateway, type TestGateway } from './support/gateway';

const BACKLOG = 20_000;

interface Dirs {
  root: string;
  runtime: string;
  worm: string;
}

function makeDirs(): Dirs {
  const root = mkdtempSync(join(tmpdir(), 'toolgate-audit-shutdown-'));
  return { root, runtime: join(root, 'runtime'), worm: join(root, 'worm') };
}

/** Queues a backlog of events nobody awaits (as at a SIGTERM under load), then closes the app. */
async function closeWithBacklog(gw: TestGateway): Promise<{ ok: number; failed: string[] }> {
  const audit = gw.app.get(AuditService);
  const failed: string[] = [];
  let ok = 0;
  const pending = Array.from({ length: BACKLOG }, (_, i) =>
    audit.record({ event: 'auth.failure', tenant: 'solo', status: '401', request_id: `r${i}` }).then(
      () => (ok += 1),
      (error: unknown) => failed.push(String((error as Error).cause ?? error)),
    ),
  );
  await new Promise((done) => setImmediate(done)); // the writer has started its first flush
  await gw.close();
  await Promise.all(pending);
  return { ok, failed: [...new Set(failed)] };
}

/** The mirror holds every stored event and ends with the shutdown anchor. */
async function expectMirrorComplete(dirs: Dirs, stored: number): Promise<void> {
  const [file] = readdirSync(dirs.worm).filter(
    (name) => name.endsWith('.jsonl') && !name.includes('anchors'),
  );
  const publicKey = readAnchorPublicKey(join(dirs.runtime, ANCHOR_PUBLIC_KEY_FILE));
  expect(await verifyJsonlFile(join(dirs.worm, file), { publicKey })).toMatchObject({
    valid: true,
    events_checked: stored,
    anchors_checked: 1,
  });
}

describe('shutdown with a backlog of audit events', () => {
  const created: Dirs[] = [];
  afterAll(() => created.forEach((dirs) => rmSync(dirs.root, { recursive: true, force: true })));

  it('stores every queued event before the pool closes (DATABASE_URL)', async () => {
    const dirs = makeDirs();
    created.push(dirs);
    const gw = await startGateway({ env: { RUNTIME_DIR: dirs.runtime, AUDIT_WORM_DIR: dirs.worm } });

    expect(await closeWithBacklog(gw)).toEqual({ ok: BACKLOG, failed: [] });
    const [{ n }] = await runSql<{ n: number }>(
      gw.databaseUrl,
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant = 'solo' AND event = 'auth.failure'`,
    );
    expect(n).toBe(BACKLOG);
    const [{ total }] = await runSql<{ total: number }>(
      gw.databaseUrl,
      'SELECT count(*)::int AS total FROM audit_events',
    );
    await expectMirrorComplete(dirs, total);
  });

  it('stores every queued event before the embedded Postgres stops', async () => {
    const dirs = makeDirs();
    created.push(dirs);
    await chmod(dirs.root, 0o755); // the postgres OS user enters it
    const port = await findFreePort();
    const gw = await startGateway({
      env: {
        DATABASE_URL: undefined,
        EMBEDDED_PG_PORT: String(port),
        RUNTIME_DIR: dirs.runtime,
        AUDIT_WORM_DIR: dirs.worm,
      },
    });

    expect(await closeWithBacklog(gw)).toEqual({ ok: BACKLOG, failed: [] });
    // The app stopped its server: start it again on the same data to count what was stored.
    const server = new EmbeddedPostgres({
      baseDir: join(dirs.runtime, 'postgres'),
      port,
      database: 'toolgate',
    });
    await server.start();
    try {
      const [{ n, total }] = await runSql<{ n: number; total: number }>(
        server.url(),
        `SELECT count(*) FILTER (WHERE tenant = 'solo' AND event = 'auth.failure')::int AS n,
                count(*)::int AS total FROM audit_events`,
      );
      expect(n).toBe(BACKLOG);
      await expectMirrorComplete(dirs, total);
    } finally {
      await server.stop();
    }
  });
});
