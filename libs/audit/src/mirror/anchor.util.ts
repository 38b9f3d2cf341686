import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { canonicalJson } from '@toolgate/core';

import { type ChainHead } from '../audit.types';

export const ANCHOR_PRIVATE_KEY_FILE = 'audit-anchor.key.pem';
export const ANCHOR_PUBLIC_KEY_FILE = 'audit-anchor.pub.pem';
export const ANCHOR_TYPE = 'toolgate.audit.anchor';

/** The current anchor format; anchors without `version` (format 1) have no `sha256` and no `firsts`. */
export const ANCHOR_VERSION = 2;

/**
 * A signed statement about one day file at `at`: its size, the SHA-256 of its first `bytes` bytes, and the
 * first and last event of every tenant in it. A file shorter than `bytes` or missing a head lost its tail;
 * one whose first bytes hash differently, or whose first event of a tenant differs, was altered or lost
 * its head.
 */
export interface AuditAnchor {
  type: typeof ANCHOR_TYPE;
  /** 2; absent in format 1 anchors, which are checked on size and heads only. */
  version?: number;
  file: string;
  at: string;
  reason: 'day-end' | 'shutdown';
  bytes: number;
  /** SHA-256 (hex) of the file's first `bytes` bytes (format 2). */
  sha256?: string;
  /** The first event of each tenant in the file (format 2). */
  firsts?: Record<string, ChainHead>;
  heads: Record<string, ChainHead>;
  key_id: string;
  /** Ed25519 over the canonical JSON of every other member (base64url). */
  signature: string;
}

export interface AnchorKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** First 16 hex digits of the SHA-256 of the public key (SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

function createKeyFile(path: string): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path); // fails if another process won the race: its key is used
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}

/** Loads the anchor signing key from `runtimeDir`, generating it (mode 0600) on first use. */
export function loadOrCreateAnchorKey(runtimeDir: string): AnchorKey {
  mkdirSync(runtimeDir, { recursive: true });
  const path = join(runtimeDir, ANCHOR_PRIVATE_KEY_FILE);
  try {
    statSync(path);
  } catch {
    createKeyFile(path);
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const privateKey = createPrivateKey(readFileSync(path));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  const publicPath = join(runtimeDir, ANCHOR_PUBLIC_KEY_FILE);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let current: string | undefined;
  try {
    current = readFileSync(publicPath, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== publicPem) writeFileSync(publicPath, publicPem, { mode: 0o644 });
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** Reads a public key (PEM) for verification. */
export function readAnchorPublicKey(path: string): KeyObject {
  return createPublicKey(readFileSync(path));
}

export function signAnchor(unsigned: Omit<AuditAnchor, 'signature' | 'key_id'>, key: AnchorKey): AuditAnchor {
  const body = { ...unsigned, key_id: key.keyId };
  const signature = sign(null, Buffer.from(canonicalJson(body)), key.privateKey).toString('base64url');
  return { ...body, signature };
}

/** True when `anchor` was signed by `publicKey` and not changed since. */
export function anchorSignatureValid(anchor: AuditAnchor, publicKey: KeyObject): boolean {
  const { signature, ...body } = anchor;
  if (typeof signature !== 'string') return false;
  try {
    return verify(null, Buffer.from(canonicalJson(body)), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** Parses the lines of an anchors file; lines that are not anchors are returned as `null`. */
export function parseAnchors(text: string): (AuditAnchor | null)[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const anchor = JSON.parse(line) as AuditAnchor;
        const heads = anchor?.heads as unknown;
        return anchor?.type === ANCHOR_TYPE && typeof heads === 'object' && heads !== null ? anchor : null;
      } catch {
        return null;
      }
    });
}
