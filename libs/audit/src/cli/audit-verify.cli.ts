import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { Client } from 'pg';

import { EmbeddedPostgres, loadDatabaseConfig } from '@toolgate/database';

import { loadAuditConfig } from '../audit.config';
import { ANCHOR_PUBLIC_KEY_FILE, readAnchorPublicKey } from '../mirror/anchor.util';
import { verifyChains } from '../verify/all-chains.util';
import { verifyDayFiles } from '../verify/day-files-verifier.util';
import { latestAnchoredHeads } from '../verify/expected-heads.util';
import { verifyJsonlFile } from '../verify/jsonl-verifier.util';
import { type RowQuery } from '../verify/stored-chain.util';

const USAGE =
  'usage: npm run -s audit:verify -- [--tenant <tenant>] | --file <audit-YYYYMMDD.jsonl> [--anchors <file>] ' +
  '| --dir <worm dir> [--public-key <pem>]';

class UsageError extends Error {}

function publicKeyPath(given: string | undefined, runtimeDir: string): string | undefined {
  if (given) return resolve(given);
  const path = join(runtimeDir, ANCHOR_PUBLIC_KEY_FILE);
  return existsSync(path) ? path : undefined;
}

/** The database: `DATABASE_URL`, or the embedded Postgres (started and stopped here; gateway stopped). */
async function withDatabase<T>(work: (query: RowQuery) => Promise<T>): Promise<T> {
  const config = loadDatabaseConfig();
  const embedded = config.url
    ? undefined
    : new EmbeddedPostgres({ baseDir: config.embeddedDir, port: config.embeddedPort, database: 'toolgate' });
  const client = new Client({ connectionString: config.url ?? (await embedded!.start()) });
  try {
    await client.connect();
    return await work(async (sql, params) => (await client.query(sql, params)).rows);
  } finally {
    await client.end().catch(() => undefined);
    await embedded?.stop();
  }
}

async function verifyDatabase(tenant: string | undefined, keyPath: string | undefined): Promise<boolean> {
  const audit = loadAuditConfig();
  const publicKey = keyPath ? readAnchorPublicKey(keyPath) : undefined;
  if (!publicKey)
    process.stderr.write('audit:verify: no anchor public key: a removed tail cannot be detected\n');
  const anchored = publicKey ? latestAnchoredHeads(audit.wormDir, publicKey, tenant) : new Map();
  const reports = await withDatabase((query) => verifyChains(query, anchored, tenant));
  const valid = Object.values(reports).every((report) => report.valid);
  process.stdout.write(`${JSON.stringify({ valid, tenants: reports }, null, 2)}\n`);
  return valid;
}

async function verifyFile(
  file: string,
  anchors: string | undefined,
  keyPath: string | undefined,
): Promise<boolean> {
  if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
  if (!keyPath)
    process.stderr.write('audit:verify: no anchor public key: a truncated tail cannot be detected\n');
  const report = await verifyJsonlFile(file, {
    anchorsPath: anchors ? resolve(anchors) : undefined,
    publicKey: keyPath ? readAnchorPublicKey(keyPath) : undefined,
  });
  if (report.valid && keyPath && report.anchors_checked === 0) {
    process.stderr.write(
      'audit:verify: the file has no signed anchor yet: a truncated tail cannot be detected\n',
    );
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.valid;
}

/** Every day file of a mirror directory, and the links between consecutive files. */
async function verifyDirectory(dir: string, keyPath: string | undefined): Promise<boolean> {
  if (!existsSync(dir)) throw new UsageError(`${dir} does not exist`);
  if (!keyPath)
    process.stderr.write('audit:verify: no anchor public key: a truncated tail cannot be detected\n');
  const report = await verifyDayFiles(dir, keyPath ? readAnchorPublicKey(keyPath) : undefined);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.valid;
}

/** Prints the report as JSON; exit code 0 when valid, 1 when not (or on error, with one line on stderr). */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      tenant: { type: 'string' },
      file: { type: 'string' },
      dir: { type: 'string' },
      anchors: { type: 'string' },
      'public-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  if ([values.file, values.tenant, values.dir].filter((value) => value !== undefined).length > 1)
    throw new UsageError(`--file, --dir and --tenant exclude each other. ${USAGE}`);
  const keyPath = publicKeyPath(values['public-key'], loadAuditConfig().runtimeDir);
  const valid = values.file
    ? await verifyFile(resolve(values.file), values.anchors, keyPath)
    : values.dir
      ? await verifyDirectory(resolve(values.dir), keyPath)
      : await verifyDatabase(values.tenant, keyPath);
  process.exitCode = valid ? 0 : 1;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`audit:verify: ${message.split('\n')[0]}\n`);
  process.exitCode = 2;
});
