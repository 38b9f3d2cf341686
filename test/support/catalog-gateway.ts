import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { TestProviderModule } from '@toolgate/testing';

import { bearer, devToken, makeRuntimeDir } from './auth-fixtures';
import { startGateway, type TestGateway } from './gateway';

/**
 * Policy of the catalog e2e: `tester` invokes `test` tools, `test-admin` also destructive ones (confirmation
 * and an `approver`'s approval); `careful` confirms every `test` call (no approval). Approvers approve
 * actions of others only; requesters cancel their own.
 */
export const CATALOG_POLICY = `
version: 1
roles:
  tester: ['test.read']
  test-admin: ['test.read', 'test.write']
  platform-admin: ['manifests.write']
  approver: ['actions.approve']
  careful: ['test.read', 'test.write']
rules:
  - id: catalog-visibility
    effect: allow
    when: { action: 'catalog:list' }
  - id: invoke-test-tools
    effect: allow
    when:
      action: tools.invoke
      resource.provider_id: 'test'
      subject.roles: ['tester', 'test-admin']
  - id: destructive-needs-approval
    effect: allow
    when:
      action: tools.invoke
      resource.safety_tags_any: ['destructive']
      subject.roles: ['test-admin']
    require_confirmation: true
    require_approval: { roles: ['approver'] }
  - id: careful-confirms-everything
    effect: allow
    when:
      action: tools.invoke
      resource.provider_id: 'test'
      subject.roles: ['careful']
    require_confirmation: true
  - id: platform-admin-actions
    effect: allow
    when:
      action: manifests:write
      subject.roles: ['platform-admin']
  - id: approve-actions
    effect: allow
    when:
      action: actions:approve
      subject.roles: ['approver']
  - id: cancel-own-actions
    effect: allow
    when:
      action: actions:cancel
      resource.owner: '== subject.subject'
  - id: approval-separation-of-duties
    effect: deny
    when:
      action: actions:approve
      resource.owner: '== subject.subject'
  - id: explain-own-decisions
    effect: allow
    when:
      action: policy:explain
      resource.owner: '== subject.subject'
  - id: tenant-isolation
    effect: deny
    when:
      resource.tenant: '!= subject.tenant'
`;

export type Json = Record<string, any>;

/** Callers of the catalog e2e, by name. */
export const PEOPLE: Record<string, { tenant: string; roles: string[] }> = {
  reader: { tenant: 'acme', roles: ['tester'] },
  writer: { tenant: 'acme', roles: ['test-admin'] },
  nobody: { tenant: 'acme', roles: [] },
  globexReader: { tenant: 'globex', roles: ['tester'] },
  acmeAdmin: { tenant: 'acme', roles: ['platform-admin'] },
  globexAdmin: { tenant: 'globex', roles: ['platform-admin'] },
  publicAdmin: { tenant: 'public', roles: ['platform-admin'] },
  careful: { tenant: 'acme', roles: ['careful'] },
  hoarder: { tenant: 'acme', roles: ['careful'] },
  writer2: { tenant: 'acme', roles: ['test-admin'] },
  approver: { tenant: 'acme', roles: ['approver'] },
  writerApprover: { tenant: 'acme', roles: ['test-admin', 'approver'] },
  globexWriter: { tenant: 'globex', roles: ['test-admin'] },
  globexApprover: { tenant: 'globex', roles: ['approver'] },
};

/** A manifest body for `POST /manifests/register` (seed shape). */
export const manifest = (overrides: Json = {}): Json => ({
  toolId: 'test:lookup',
  name: 'Lookup',
  description: 'Looks a record up.',
  inputs: {
    type: 'object',
    properties: { query: { type: 'string', maxLength: 200 } },
    required: ['query'],
    additionalProperties: false,
  },
  outputs: { type: 'object' },
  required_scopes: ['test.read'],
  provider_id: 'test',
  ...overrides,
});

export interface CatalogGateway {
  gw: TestGateway;
  /** Runtime dir holding this gateway's dev keys. */
  runtimeDir: string;
  /** Calls the gateway as one of `PEOPLE` (any other name: no credential); parses the JSON answer. */
  call(
    who: string,
    path: string,
    init?: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Json; headers: Headers; text: string }>;
  /** Tool ids of `GET /tool-catalog<query>` as `who` sees them. */
  toolIds(who: string, query?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The real gateway with the `test` provider mounted, the catalog policy, and a dev token per person. */
export async function startCatalogGateway(
  options: { env?: Record<string, string>; databaseUrl?: string; runtimeDir?: string } = {},
): Promise<CatalogGateway> {
  // A second instance passes the first one's database and runtime dir (same dev keys: tokens work on both).
  const runtime = options.runtimeDir
    ? { dir: options.runtimeDir, dispose: () => undefined }
    : makeRuntimeDir();
  const policyFile = join(dirname(runtime.dir), 'policies.yml');
  writeFileSync(policyFile, CATALOG_POLICY);
  const gw = await startGateway({
    env: { RUNTIME_DIR: runtime.dir, POLICY_FILE: policyFile, ...options.env },
    imports: [TestProviderModule],
    databaseUrl: options.databaseUrl,
  });
  const tokens: Record<string, string> = {};
  for (const [who, person] of Object.entries(PEOPLE)) {
    tokens[who] = await devToken(runtime.dir, { subject: who, ...person });
  }
  const call: CatalogGateway['call'] = async (who, path, init = {}) => {
    const response = await gw.request(path, {
      method: init.method ?? 'GET',
      headers: {
        ...(tokens[who] ? bearer(tokens[who]) : {}),
        ...(init.body !== undefined || init.raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.raw ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as Json,
      headers: response.headers,
      text,
    };
  };
  const toolIds: CatalogGateway['toolIds'] = async (who, query = '') =>
    ((await call(who, `/tool-catalog${query}`)).body.tools as Json[]).map((tool) => tool.toolId);
  return {
    gw,
    call,
    toolIds,
    runtimeDir: runtime.dir,
    close: async () => {
      await gw.close();
      runtime.dispose();
    },
  };
}
