import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TestProviderModule } from '@toolgate/testing';

import { bearer, devToken } from './auth-fixtures';
import { startGateway, type TestGateway } from './gateway';

/** Policy of the audit e2e: testers invoke `test` tools, auditors read their tenant's audit trail. */
export const AUDIT_POLICY = `
version: 1
roles:
  tester: ['test.read']
  auditor: ['audit.read']
  platform-admin: ['manifests.write']
rules:
  - id: invoke-test-tools
    effect: allow
    when: { action: tools.invoke, resource.provider_id: 'test', subject.roles: ['tester'] }
  - id: auditors-read
    effect: allow
    when: { action: 'audit:read', subject.roles: ['auditor'] }
  - id: admins
    effect: allow
    when: { action: ['manifests:write', 'policy:reload'], subject.roles: ['platform-admin'] }
  - id: tenant-isolation
    effect: deny
    when: { resource.tenant: '!= subject.tenant' }
`;

export const AUDIT_PEOPLE: Record<string, { tenant: string; roles: string[] }> = {
  reader: { tenant: 'acme', roles: ['tester'] },
  nobody: { tenant: 'acme', roles: [] },
  auditor: { tenant: 'acme', roles: ['auditor'] },
  admin: { tenant: 'acme', roles: ['platform-admin'] },
  globexReader: { tenant: 'globex', roles: ['tester'] },
  globexAuditor: { tenant: 'globex', roles: ['auditor'] },
  gatewayAuditor: { tenant: '_gateway', roles: ['auditor'] },
};

export type Json = Record<string, any>;

export interface AuditGateway {
  gw: TestGateway;
  runtimeDir: string;
  wormDir: string;
  call(
    who: string,
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Json; headers: Headers }>;
  close(): Promise<void>;
  dispose(): void;
}

/** The real gateway with the `test` provider, the audit policy, a private WORM dir and a token per person. */
export async function startAuditGateway(env: Record<string, string> = {}): Promise<AuditGateway> {
  const root = mkdtempSync(join(tmpdir(), 'toolgate-audit-'));
  const runtimeDir = join(root, 'runtime');
  const wormDir = join(root, 'worm');
  const policyFile = join(root, 'policies.yml');
  writeFileSync(policyFile, AUDIT_POLICY);
  const gw = await startGateway({
    env: { RUNTIME_DIR: runtimeDir, POLICY_FILE: policyFile, AUDIT_WORM_DIR: wormDir, ...env },
    imports: [TestProviderModule],
  });
  const tokens: Record<string, string> = {};
  for (const [who, person] of Object.entries(AUDIT_PEOPLE)) {
    tokens[who] = await devToken(runtimeDir, { subject: who, ...person });
  }
  const call: AuditGateway['call'] = async (who, path, init = {}) => {
    const response = await gw.request(path, {
      method: init.method ?? 'GET',
      headers: {
        ...(tokens[who] ? bearer(tokens[who]) : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as Json,
      headers: response.headers,
    };
  };
  let closed = false;
  return {
    gw,
    runtimeDir,
    wormDir,
    call,
    close: async () => {
      if (!closed) await gw.close();
      closed = true;
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
