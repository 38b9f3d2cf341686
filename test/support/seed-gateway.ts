import { resolve } from 'node:path';

import { bearer, devToken, makeRuntimeDir } from './auth-fixtures';
import { startGateway, type TestGateway } from './gateway';

export type Json = Record<string, any>;

/** Callers with the seed roles of `policies/policies.yml`, all in tenant `acme`. */
export const SEED_PEOPLE: Record<string, { tenant: string; roles: string[] }> = {
  salesAgent: { tenant: 'acme', roles: ['sales-write'] },
  financeAgent: { tenant: 'acme', roles: ['finance-write'] },
  financeApprover: { tenant: 'acme', roles: ['finance-approver'] },
  analyst: { tenant: 'acme', roles: ['data-analyst'] },
};

export interface Answer {
  status: number;
  body: Json;
  headers: Headers;
  text: string;
}

export interface SeedGateway {
  gw: TestGateway;
  /** Calls the gateway as one of `SEED_PEOPLE` (with their dev token); parses the JSON answer. */
  call(who: string, path: string, init?: { method?: string; body?: unknown }): Promise<Answer>;
  /** The agent JWTs handed out, to prove none of them reaches an upstream. */
  tokens: Record<string, string>;
  close(): Promise<void>;
}

/** The real gateway with the project's own policy file and a dev token per seed person. */
export async function startSeedGateway(env: Record<string, string | undefined> = {}): Promise<SeedGateway> {
  const runtime = makeRuntimeDir();
  const gw = await startGateway({
    env: { RUNTIME_DIR: runtime.dir, POLICY_FILE: resolve(__dirname, '../../policies/policies.yml'), ...env },
  });
  const tokens: Record<string, string> = {};
  for (const [who, person] of Object.entries(SEED_PEOPLE)) {
    tokens[who] = await devToken(runtime.dir, { subject: who, ...person });
  }
  const call: SeedGateway['call'] = async (who, path, init = {}) => {
    const response = await gw.request(path, {
      method: init.method ?? 'GET',
      headers: {
        ...bearer(tokens[who]),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as Json,
      headers: response.headers,
      text,
    };
  };
  return {
    gw,
    call,
    tokens,
    close: async () => {
      await gw.close();
      runtime.dispose();
    },
  };
}

/** Tool ids of `GET /tool-catalog` as `who` sees them, with their confirmation flags. */
export async function catalogOf(sg: SeedGateway, who: string): Promise<Json[]> {
  return (await sg.call(who, '/tool-catalog')).body.tools as Json[];
}
