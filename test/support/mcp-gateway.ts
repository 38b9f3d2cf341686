import { randomBytes } from 'node:crypto';

import { runSql } from '@toolgate/testing';

import { bearer, devToken, makeRuntimeDir } from './auth-fixtures';
import { startGateway, type TestGateway } from './gateway';
import { EVERYTHING_SCRIPT } from './mcp-peers';

export type Json = Record<string, any>;

/** Callers of the MCP e2e suites (the seed roles as the real policy file defines them). */
export const MCP_PEOPLE: Record<string, { tenant: string; roles: string[] }> = {
  root: { tenant: 'public', roles: ['platform-admin'] },
  acmeRoot: { tenant: 'acme', roles: ['platform-admin'] },
  agent: { tenant: 'acme', roles: ['mcp-admin'] },
  limited: { tenant: 'acme', roles: ['mcp-user'] },
  nobody: { tenant: 'acme', roles: [] },
  finance: { tenant: 'acme', roles: ['finance-write'] },
};

/** A replica whose catalog listener a test can cut off, as a network blip or a slow NOTIFY would. */
export interface DeafenableReplica extends TestGateway {
  /** Drops the replica's LISTEN connection and keeps it from reconnecting: notifications meanwhile are lost. */
  deafen(): Promise<void>;
  /** Lets the listener reconnect (with its backoff, a few seconds at most); the replica then reloads. */
  hear(): Promise<void>;
}

export interface McpGateway {
  gw: TestGateway;
  tokens: Record<string, string>;
  /** Signs another dev token for this gateway (e.g. a second credential of the same subject). */
  mint(options: Parameters<typeof devToken>[1]): Promise<string>;
  call(
    who: string,
    path: string,
    init?: { method?: string; body?: unknown },
  ): Promise<{ status: number; body: Json; headers: Headers }>;
  /** A second replica on the same database (same environment and token keys); the caller closes it. */
  startReplica(): Promise<TestGateway>;
  /** A replica logging in as its own database role, so that its listener alone can be cut off. */
  startDeafenableReplica(): Promise<DeafenableReplica>;
  /** Polls `GET /mcp-servers/{name}` until `done` holds (10 s at most). */
  waitFor(name: string, done: (server: Json) => boolean): Promise<Json>;
  close(): Promise<void>;
}

/** The real gateway with the real policy file, stdio allowed for server-everything, 127.0.0.1 reachable. */
export async function startMcpGateway(env: Record<string, string> = {}): Promise<McpGateway> {
  const runtime = makeRuntimeDir();
  const gatewayEnv = {
    RUNTIME_DIR: runtime.dir,
    LOG_LEVEL: 'warn',
    HTTP_PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
    MCP_STDIO_ALLOWLIST: `${process.execPath} ${EVERYTHING_SCRIPT}`,
    MCP_DISCOVERY_BACKOFF_MS: '100',
    MCP_RECONNECT_MAX_MS: '500',
    PUBLIC_URL: 'https://toolgate.test',
    ...env,
  };
  const gw = await startGateway({ env: gatewayEnv });
  const tokens: Record<string, string> = {};
  for (const [who, person] of Object.entries(MCP_PEOPLE))
    tokens[who] = await devToken(runtime.dir, { subject: who, ...person });
  const call: McpGateway['call'] = async (who, path, init = {}) => {
    const response = await gw.request(path, {
      method: init.method ?? 'GET',
      headers: {
        ...(tokens[who] ? bearer(tokens[who]) : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
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
  const waitFor: McpGateway['waitFor'] = async (name, done) => {
    let last: Json = {};
    for (let attempt = 0; attempt < 200; attempt += 1) {
      last = (await call('root', `/mcp-servers/${name}`)).body;
      if (done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `MCP server ${name} never reached the expected state: ${JSON.stringify(last).slice(0, 500)}`,
    );
  };
  return {
    gw,
    tokens,
    mint: (options) => devToken(runtime.dir, options),
    call,
    startReplica: () => startGateway({ env: gatewayEnv, databaseUrl: gw.databaseUrl }),
    startDeafenableReplica: async () => {
      const role = `replica_${randomBytes(4).toString('hex')}`;
      await runSql(gw.databaseUrl, `CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${role}'`);
      const url = new URL(gw.databaseUrl);
      [url.username, url.password] = [role, role];
      const replica = await startGateway({ env: gatewayEnv, databaseUrl: url.toString() });
      return {
        ...replica,
        deafen: async () => {
          // Its pool keeps the connections it has; only new logins (the listener's) are refused.
          await runSql(gw.databaseUrl, `ALTER ROLE ${role} NOLOGIN`);
          await runSql(
            gw.databaseUrl,
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE usename = $1 AND application_name = 'toolgate-catalog-listener'`,
            [role],
          );
        },
        hear: async () => void (await runSql(gw.databaseUrl, `ALTER ROLE ${role} LOGIN`)),
        close: async () => {
          await replica.close();
          await runSql(gw.databaseUrl, `DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
        },
      };
    },
    waitFor,
    close: async () => {
      await gw.close();
      runtime.dispose();
    },
  };
}

export const discovered = (server: Json) =>
  server.status?.state === 'up' && Boolean(server.status?.last_discovery_at);
