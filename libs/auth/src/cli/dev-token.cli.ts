import { parseArgs } from 'node:util';

import { loadAuthConfig } from '../auth.config';
import { signDevToken } from '../jwt/dev-token.util';

const USAGE =
  'usage: npm run -s token -- --sub <subject> --tenant <tenant> [--roles a,b] [--scopes "x y"] [--ttl seconds]';
const MAX_TTL_SEC = 30 * 24 * 3600;

class UsageError extends Error {}

function list(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

function ttlOf(value: string | undefined): number {
  if (value === undefined) return 3600;
  const ttl = Number(value);
  if (!/^\d+$/.test(value) || ttl < 1 || ttl > MAX_TTL_SEC) {
    throw new UsageError(`--ttl must be a whole number of seconds between 1 and ${MAX_TTL_SEC}`);
  }
  return ttl;
}

/** Prints one signed dev JWT on stdout and nothing else; errors are one line on stderr (exit 1). */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      sub: { type: 'string' },
      tenant: { type: 'string' },
      roles: { type: 'string' },
      scopes: { type: 'string' },
      ttl: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const config = loadAuthConfig();
  if (config.jwksUrl) {
    throw new UsageError('JWT_JWKS_URL is set: tokens come from your IdP, dev tokens are not accepted');
  }
  if (!values.sub || !values.tenant) throw new UsageError(`--sub and --tenant are required. ${USAGE}`);
  const token = await signDevToken({
    subject: values.sub,
    tenant: values.tenant,
    roles: list(values.roles),
    scopes: list(values.scopes),
    ttlSeconds: ttlOf(values.ttl),
    config,
  });
  process.stdout.write(`${token}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`token: ${message.split('\n')[0]}\n`);
  process.exitCode = 1;
});
