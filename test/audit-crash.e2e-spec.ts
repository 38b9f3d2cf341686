import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import {
  ANCHOR_PUBLIC_KEY_FILE,
  readAnchorPublicKey,
  type RowQuery,
  verifyJsonlFile,
  verifyStoredChain,
} from '@toolgate/audit';
import { createTestDatabase, runSql } from '@toolgate/testing';

import { AUDIT_POLICY } from './support/audit-gateway';
import { bearer, devToken } from './support/auth-fixtures';

const SUPPORT = resolve(__dirname, 'support');

interface Child {
  process: ChildProcess;
  port: number;
}

/** The real gateway (with the test provider) in a child process, compiled on the fly. */
async function boot(env: Record<string, string>): Promise<Child> {
  const child = spawn(
    process.execPath,
    [join(SUPPORT, 'ts-child.cjs'), join(SUPPORT, 'audit-crash-child.ts')],
    {
      cwd: resolve(__dirname, '..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const port = await new Promise<number>((done, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('ready ')) done(Number(line.slice(6)));
    });
    child.once('exit', (code) => fail(new Error(`gateway exited with ${code}: ${errors}`)));
  });
  return { process: child, port };
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((done) => child.once('exit', () => done()));

describe('audit trail after kill -9 mid-load (child process)', () => {
  let dir: string;
  let url: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  const query: RowQuery = async (sql, params) => runSql(url, sql, params);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'toolgate-audit-crash-'));
    url = await createTestDatabase('crash');
    writeFileSync(join(dir, 'policies.yml'), AUDIT_POLICY);
    env = {
      DATABASE_URL: url,
      DATABASE_RUN_MIGRATIONS: 'true',
      RUNTIME_DIR: join(dir, 'runtime'),
      POLICY_FILE: join(dir, 'policies.yml'),
      AUDIT_WORM_DIR: join(dir, 'worm'),
      LOG_LEVEL: 'error',
      RATE_LIMIT_DEFAULT_RPS: '100000',
      RATE_BUCKET_BURST: '100000',
    };
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every answered call audited and the chains valid, in the database and the JSONL file', async () => {
    const first = await boot(env);
    children.push(first.process);
    const token = await devToken(env.RUNTIME_DIR, { subject: 'loader', tenant: 'acme', roles: ['tester'] });
    const answered: string[] = [];
    let killed = false;
    const worker = async (n: number) => {
      for (let i = 0; !killed; i += 1) {
        const unauthenticated = i % 5 === 4;
        const response = await fetch(`http://127.0.0.1:${first.port}/tools/test:echo/invoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(unauthenticated ? {} : bearer(token)) },
          body: JSON.stringify({ message: `w${n}-${i}` }),
        }).catch(() => undefined);
        if (response?.status === 200)
          answered.push(((await response.json()) as { correlation_id: string }).correlation_id);
        if (answered.length >= 300 && !killed) {
          killed = true;
          first.process.kill('SIGKILL'); // mid-load: other requests and flushes are in flight
        }
      }
    };
    await Promise.all(Array.from({ length: 24 }, (_, n) => worker(n)));
    await exited(first.process);

    // Every 200 was answered after its intent and its outcome were committed.
    const rows = await runSql<{ correlation_id: string; status: string }>(
      url,
      `SELECT correlation_id, status FROM audit_events WHERE tenant = 'acme' AND event = 'tools.invoke'`,
    );
    const done = new Set(rows.filter((row) => row.status === 'ok').map((row) => row.correlation_id));
    const intended = new Set(rows.filter((row) => row.status === 'intent').map((row) => row.correlation_id));
    expect(answered.filter((id) => !done.has(id) || !intended.has(id))).toEqual([]);
    for (const tenant of ['acme', '_gateway']) {
      expect(await verifyStoredChain(query, tenant)).toMatchObject({ valid: true, first_invalid_seq: null });
    }
    const [file] = readdirSync(env.AUDIT_WORM_DIR).filter(
      (name) => name.endsWith('.jsonl') && !name.includes('anchors'),
    );
    expect(await verifyJsonlFile(join(env.AUDIT_WORM_DIR, file))).toMatchObject({ valid: true });

    // A restarted gateway continues the same chains; its mirror catches up what the crash left out.
    const second = await boot(env);
    children.push(second.process);
    const again = await fetch(`http://127.0.0.1:${second.port}/tools/test:echo/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ message: 'after the crash' }),
    });
    expect(again.status).toBe(200);
    second.process.kill('SIGTERM');
    await exited(second.process);
    const acme = await verifyStoredChain(query, 'acme');
    const [{ n }] = await runSql<{ n: number }>(
      url,
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant = 'acme'`,
    );
    expect(acme).toMatchObject({ valid: true, events_checked: n });
    const publicKey = readAnchorPublicKey(join(env.RUNTIME_DIR, ANCHOR_PUBLIC_KEY_FILE));
    const [{ total }] = await runSql<{ total: number }>(
      url,
      'SELECT count(*)::int AS total FROM audit_events',
    );
    expect(await verifyJsonlFile(join(env.AUDIT_WORM_DIR, file), { publicKey })).toMatchObject({
      valid: true,
      events_checked: total,
      anchors_checked: 1,
    });
  });
});
