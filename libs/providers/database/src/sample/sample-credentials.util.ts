import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const SCRAM_ITERATIONS = 4096;

/**
 * Password of a sample login, derived from a secret only the gateway's admin role holds: every gateway
 * replica (and every test gateway) on the same server derives the same one, so none of them rotates the
 * others out, and it is never written anywhere.
 */
export function derivePassword(secret: string, role: string): string {
  return createHmac('sha256', secret).update(`toolgate-database-tools:${role}`).digest('base64url');
}

/**
 * The SCRAM-SHA-256 verifier of a password (RFC 5802/7677, Postgres' stored format). `ALTER ROLE … PASSWORD`
 * gets the verifier, so the password itself never travels in SQL text (statement logs stay clean).
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * The derivation secret: the admin login's password when it has one; otherwise a random secret kept in
 * `file` (mode 0600), created on first use.
 */
export async function derivationSecret(adminUrl: string, file: string): Promise<string> {
  const password = decodeURIComponent(new URL(adminUrl).password);
  if (password) return password;
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return existing;
  const created = randomBytes(32).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, created, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
  await chmod(file, 0o600);
  return (await readFile(file, 'utf8')).trim();
}

/** `url` with another login and database (the host, port and TLS parameters stay). */
export function loginUrl(url: string, user: string, password: string, database: string): string {
  const target = new URL(url);
  target.username = encodeURIComponent(user);
  target.password = encodeURIComponent(password);
  target.pathname = `/${database}`;
  return target.toString();
}
