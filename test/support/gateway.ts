import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type NestFastifyApplication } from '@nestjs/platform-fastify';

import { type ModuleMetadata } from '@nestjs/common';

import { createTestDatabase, LogCapture } from '@toolgate/testing';

import { createGatewayApp } from '../../apps/gateway/src/app.factory';

export interface TestGateway {
  app: NestFastifyApplication;
  baseUrl: string;
  databaseUrl: string;
  logs: LogCapture;
  /** Real HTTP request against the listening gateway. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  env?: Record<string, string | undefined>;
  /** Reuse an existing database instead of creating a fresh one. */
  databaseUrl?: string;
  /** Extra modules mounted beside the gateway's own (test-only probe routes). */
  imports?: ModuleMetadata['imports'];
}

/** Rate limits are high by default in tests; the rate-limit specs set their own. */
const BASE_ENV: Record<string, string> = {
  LOG_LEVEL: 'info',
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  // The gateway listens on a random port here, which no public URL can be derived from.
  PUBLIC_URL: 'http://gateway.test',
  RATE_LIMIT_DEFAULT_RPS: '10000',
  RATE_BUCKET_BURST: '10000',
};

/**
 * Boots the whole gateway over real HTTP on a random port, on a fresh database of the run's embedded
 * Postgres with migrations applied. Environment overrides apply while the app is created.
 */
export async function startGateway(options: StartGatewayOptions = {}): Promise<TestGateway> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  // Each gateway mirrors its audit trail into its own folder (a chain per database, never mixed).
  const auditDir = mkdtempSync(join(tmpdir(), 'toolgate-audit-'));
  const env = {
    ...BASE_ENV,
    AUDIT_WORM_DIR: auditDir,
    DATABASE_URL: databaseUrl,
    DATABASE_RUN_MIGRATIONS: 'true',
    ...options.env,
  };
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const logs = new LogCapture();
  try {
    const { app } = await createGatewayApp({ logDestination: logs, imports: options.imports });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return {
      app,
      baseUrl,
      databaseUrl,
      logs,
      request: (path, init) => fetch(`${baseUrl}${path}`, init),
      close: async () => {
        await app.close();
        rmSync(auditDir, { recursive: true, force: true });
      },
    };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
