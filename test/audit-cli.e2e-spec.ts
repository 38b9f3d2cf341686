import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { runSql } from '@toolgate/testing';

import { type AuditGateway, startAuditGateway } from './support/audit-gateway';

const ROOT = resolve(__dirname, '..');

/**
 * The documented command, `npm run -s audit:verify -- …` (built by `npm test` before jest runs).
 * TOOLGATE_TEST_DIST runs a privately built copy instead (for development without touching dist/).
 */
function auditVerify(args: string[], env: Record<string, string>) {
  const dist = process.env.TOOLGATE_TEST_DIST;
  const [command, argv] = dist
    ? [process.execPath, [join(dist, 'libs/audit/src/cli/audit-verify.cli.js'), ...args]]
    : ['npm', ['run', '-s', 'audit:verify', '--', ...args]];
  const result = spawnSync(command, argv, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    timeout: 120_000,
  });
  return {
    status: result.status,
    report: result.stdout ? JSON.parse(result.stdout) : undefined,
    stderr: result.stderr,
  };
}

describe('npm run audit:verify', () => {
  let ag: AuditGateway;
  let env: Record<string, string>;
  let file: string;

  beforeAll(async () => {
    ag = await startAuditGateway();
    for (let i = 0; i < 3; i += 1) {
      await ag.call('reader', '/tools/test:echo/invoke', { method: 'POST', body: { message: `m${i}` } });
    }
    await ag.call('stranger', '/audit');
    await ag.close(); // anchors the day file
    env = { DATABASE_URL: ag.gw.databaseUrl, RUNTIME_DIR: ag.runtimeDir, AUDIT_WORM_DIR: ag.wormDir };
    file = join(
      ag.wormDir,
      readdirSync(ag.wormDir).find((name) => /^audit-\d{8}\.jsonl$/.test(name))!,
    );
  });
  afterAll(() => ag.dispose());

  it('verifies every tenant chain of the database against the latest anchors (exit 0)', () => {
    const result = auditVerify([], env);
    expect(result.status).toBe(0);
    expect(result.report.valid).toBe(true);
    expect(Object.keys(result.report.tenants).sort()).toEqual(['_gateway', 'acme', 'public']);
    expect(result.report.tenants.acme).toMatchObject({ valid: true, events_checked: 6 });
  });

  it('verifies a JSONL file on its own, and detects a truncated tail (exit 1)', () => {
    const ok = auditVerify(['--file', file], env);
    expect(ok.status).toBe(0);
    expect(ok.report).toMatchObject({ valid: true, anchors_checked: 1 });
    truncateSync(file, statSync(file).size - 20);
    const cut = auditVerify(['--file', file], env);
    expect(cut.status).toBe(1);
    expect(cut.report.valid).toBe(false);
  });

  it('detects an edited event in the database (exit 1)', async () => {
    await runSql(
      ag.gw.databaseUrl,
      `BEGIN; ALTER TABLE audit_events DISABLE TRIGGER USER;
       UPDATE audit_events SET status = 'ok' WHERE tenant = 'acme' AND seq = 1;
       ALTER TABLE audit_events ENABLE TRIGGER USER; COMMIT`,
    );
    const result = auditVerify(['--tenant', 'acme'], env);
    expect(result.status).toBe(1);
    expect(result.report.tenants.acme).toMatchObject({ valid: false, first_invalid_seq: 1 });
  });
});
