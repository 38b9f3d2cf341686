import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type DevTokenOptions, loadAuthConfig, signDevToken } from '@toolgate/auth';

export const ISSUER = 'https://idp.local';
export const AUDIENCE = 'toolgate';

/** A private runtime dir for one spec file, so the dev key pair is generated fresh there. */
export function makeRuntimeDir(): { dir: string; dispose(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'toolgate-auth-'));
  const dir = join(parent, 'runtime');
  return { dir, dispose: () => rmSync(parent, { recursive: true, force: true }) };
}

/** Mints a dev token from the key pair in `runtimeDir` with the default issuer, audience and claim names. */
export function devToken(runtimeDir: string, options: Omit<DevTokenOptions, 'config'>): Promise<string> {
  const config = loadAuthConfig({ RUNTIME_DIR: runtimeDir });
  return signDevToken({ ...options, config });
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
