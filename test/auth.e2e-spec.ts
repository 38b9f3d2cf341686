import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { DEV_JWKS_FILE, DEV_PRIVATE_KEY_FILE, loadOrCreateDevKeys } from '@toolgate/auth';

import { AUDIENCE, bearer, devToken, ISSUER, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway, type TestGateway } from './support/gateway';
import { buildHostileCorpus } from './support/hostile-tokens';
import { rawRequest } from './support/raw-request';

const PROBE = '/api-keys';
const ADMIN = { subject: 'admin-1', tenant: 'public', roles: ['platform-admin'] };

describe('JWT authentication (e2e over HTTP)', () => {
  const runtime = makeRuntimeDir();
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({ env: { RUNTIME_DIR: runtime.dir } });
  });
  afterAll(async () => {
    await gw.close();
    runtime.dispose();
  });

  describe('dev keys', () => {
    it('generates the dev key pair on first start (private key 0600) and serves the public set', async () => {
      expect(statSync(join(runtime.dir, DEV_PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
      const onDisk = JSON.parse(readFileSync(join(runtime.dir, DEV_JWKS_FILE), 'utf8'));
      const response = await gw.request('/.well-known/jwks.json');
      expect(response.status).toBe(200);
      const served = (await response.json()) as { keys: Record<string, unknown>[] };
      expect(served).toEqual(onDisk);
      expect(served.keys).toHaveLength(1);
      expect(served.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(JSON.stringify(served)).not.toMatch(/"(d|p|q|dp|dq|qi)"/);
    });

    it('reuses the same key pair when the gateway starts again', async () => {
      const before = loadOrCreateDevKeys(runtime.dir).kid;
      const again = await startGateway({ env: { RUNTIME_DIR: runtime.dir } });
      try {
        const served = (await (await again.request('/.well-known/jwks.json')).json()) as {
          keys: { kid: string }[];
        };
        expect(served.keys[0].kid).toBe(before);
        const token = await devToken(runtime.dir, ADMIN);
        expect((await again.request(PROBE, { headers: bearer(token) })).status).toBe(200);
      } finally {
        await again.close();
      }
    });
  });

  describe('valid credentials', () => {
    it('accepts a dev token and attaches its principal', async () => {
      const token = await devToken(runtime.dir, { ...ADMIN, scopes: ['tools.invoke:write'] });
      const list = await gw.request(PROBE, { headers: bearer(token) });
      expect(list.status).toBe(200);
      const created = await gw.request(PROBE, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'probe', subject: 'svc-probe', roles: [] }),
      });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ created_by: 'admin-1', tenant: 'public' });
    });

    it('accepts the scheme in any case and a token expired less than the clock skew ago', async () => {
      const token = await devToken(runtime.dir, ADMIN);
      expect((await gw.request(PROBE, { headers: { authorization: `bEaReR ${token}` } })).status).toBe(200);
      const now = Math.floor(Date.now() / 1000);
      const late = await devToken(runtime.dir, { ...ADMIN, claims: { iat: now - 900, exp: now - 100 } });
      expect((await gw.request(PROBE, { headers: bearer(late) })).status).toBe(200);
    });

    it('leaves @Public() routes open', async () => {
      expect((await gw.request('/health/live')).status).toBe(200);
    });
  });

  describe('hostile credentials', () => {
    const keys = () => loadOrCreateDevKeys(runtime.dir);

    it('has a corpus of at least 25 cases', () => {
      const pair = keys();
      const corpus = buildHostileCorpus({
        kid: pair.kid,
        privateKey: pair.privateKey,
        publicKey: pair.verificationKey.key,
        publicJwk: pair.publicJwk,
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      expect(corpus.length).toBeGreaterThanOrEqual(25);
    });

    it('answers every hostile credential 401 problem+json with a Bearer challenge, never 5xx', async () => {
      const pair = keys();
      const corpus = buildHostileCorpus({
        kid: pair.kid,
        privateKey: pair.privateKey,
        publicKey: pair.verificationKey.key,
        publicJwk: pair.publicJwk,
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      const details = new Set<string>();
      const failures: string[] = [];
      for (const hostile of corpus) {
        const response = await rawRequest(gw.baseUrl, `${PROBE}${hostile.query ?? ''}`, hostile.headers);
        const challenge = String(response.headers['www-authenticate'] ?? '');
        const body = response.status === 401 ? response.json() : {};
        const expectedChallenge =
          hostile.expect === 'missing'
            ? challenge === 'Bearer realm="toolgate"'
            : challenge === 'Bearer realm="toolgate", error="invalid_token"';
        const code = hostile.expect === 'missing' ? 'AUTH.MISSING_TOKEN' : 'AUTH.INVALID_TOKEN';
        const ok =
          response.status === 401 &&
          String(response.headers['content-type']).startsWith('application/problem+json') &&
          body.code === code &&
          expectedChallenge;
        if (!ok)
          failures.push(`${hostile.name}: ${response.status} ${challenge} ${response.body.slice(0, 200)}`);
        if (typeof body.detail === 'string') details.add(body.detail);
      }
      expect(failures).toEqual([]);
      expect(details.size).toBe(2);
    });

    it('never logs the credential itself', async () => {
      const token = await devToken(runtime.dir, { ...ADMIN, claims: { iss: 'https://evil.example' } });
      expect((await gw.request(PROBE, { headers: bearer(token) })).status).toBe(401);
      expect(gw.logs.text()).not.toContain(token.split('.')[2]);
    });
  });
});
