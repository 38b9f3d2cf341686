import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import {
  importPublicJwk,
  type PublicJwk,
  type PublicJwks,
  publicJwkOf,
  type VerificationKey,
} from './key-set.util';

export const DEV_JWKS_FILE = 'dev-jwks.json';
export const DEV_PRIVATE_KEY_FILE = 'dev-jwks.private.pem';

/** The development signing key: private half for minting, public half as JWK and KeyObject. */
export interface DevKeyPair {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
  verificationKey: VerificationKey;
  jwks: PublicJwks;
  privateKeyPath: string;
  jwksPath: string;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Creates the private key file atomically: written to a temp file with mode 0600, then hard-linked into
 * place (fails if another process won the race, in which case its key is used).
 */
function createPrivateKeyFile(path: string): void {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}

function readPrivateKey(path: string): KeyObject {
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return createPrivateKey(readFileSync(path));
}

/** Writes the public JWKS beside the private key when it is missing or stale (atomic rename). */
function syncPublicJwks(path: string, jwks: PublicJwks): void {
  const text = `${JSON.stringify(jwks, null, 2)}\n`;
  try {
    if (readFileSync(path, 'utf8') === text) return;
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, text, { mode: 0o644 });
  renameSync(temp, path);
}

/**
 * Loads the dev RSA key pair from `runtimeDir`, generating it on first use: the private key in
 * `dev-jwks.private.pem` (mode 0600) and the public set in `dev-jwks.json`. Later starts reuse them.
 */
export function loadOrCreateDevKeys(runtimeDir: string): DevKeyPair {
  mkdirSync(runtimeDir, { recursive: true });
  const privateKeyPath = join(runtimeDir, DEV_PRIVATE_KEY_FILE);
  const jwksPath = join(runtimeDir, DEV_JWKS_FILE);
  let privateKey: KeyObject;
  try {
    privateKey = readPrivateKey(privateKeyPath);
  } catch (error) {
    if (!isMissing(error)) throw error;
    createPrivateKeyFile(privateKeyPath);
    privateKey = readPrivateKey(privateKeyPath);
  }
  const publicJwk = publicJwkOf(privateKey);
  const verificationKey = importPublicJwk(publicJwk);
  if (!verificationKey) throw new Error(`The dev key in ${privateKeyPath} is not a usable RS256 key`);
  const jwks = { keys: [publicJwk] };
  syncPublicJwks(jwksPath, jwks);
  return { kid: publicJwk.kid, privateKey, publicJwk, verificationKey, jwks, privateKeyPath, jwksPath };
}
