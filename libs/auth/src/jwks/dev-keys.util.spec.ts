import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEV_JWKS_FILE, DEV_PRIVATE_KEY_FILE, loadOrCreateDevKeys } from './dev-keys.util';

describe('loadOrCreateDevKeys', () => {
  let dir: string;

  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'toolgate-devkeys-')), 'runtime');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('generates an RSA key pair on first use: private PEM 0600, public JWKS beside it', () => {
    const keys = loadOrCreateDevKeys(dir);
    expect(statSync(join(dir, DEV_PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse(readFileSync(join(dir, DEV_JWKS_FILE), 'utf8'));
    expect(jwks).toEqual({ keys: [keys.publicJwk] });
    expect(keys.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: keys.kid });
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    expect(keys.verificationKey.key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('reuses the same key on later starts and rewrites a missing public set', () => {
    const first = loadOrCreateDevKeys(dir);
    unlinkSync(join(dir, DEV_JWKS_FILE));
    const second = loadOrCreateDevKeys(dir);
    expect(second.kid).toBe(first.kid);
    expect(JSON.parse(readFileSync(join(dir, DEV_JWKS_FILE), 'utf8')).keys[0].kid).toBe(first.kid);
  });
});
