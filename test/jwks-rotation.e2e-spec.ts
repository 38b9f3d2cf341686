import { buildTestJwks, createTestSigningKey, signWithTestKey, type TestSigningKey } from '@toolgate/auth';
import { waitUntil } from '@toolgate/testing';

import { AUDIENCE, bearer, devToken, ISSUER, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway, type TestGateway } from './support/gateway';
import { JwksServer } from './support/jwks-server';

const PROBE = '/api-keys';
const COOLDOWN_MS = 2_000;
const TIMEOUT_MS = 500;
const claims = { tenant: 'public', roles: ['platform-admin'] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('IdP JWKS: cache, rotation, storms and outages (e2e over HTTP)', () => {
  const runtime = makeRuntimeDir();
  const keyA = createTestSigningKey('RS256', 'idp-key-a');
  const keyB = createTestSigningKey('ES256', 'idp-key-b');
  const stranger = createTestSigningKey('RS256', 'stranger');
  let idp: JwksServer;
  let gw: TestGateway;

  const token = (key: TestSigningKey, header?: Record<string, unknown>) =>
    signWithTestKey(key, claims, { issuer: ISSUER, audience: AUDIENCE, header });
  const call = async (jwt: string) => (await gw.request(PROBE, { headers: bearer(jwt) })).status;

  beforeAll(async () => {
    idp = await JwksServer.start(buildTestJwks(keyA));
    gw = await startGateway({
      env: {
        RUNTIME_DIR: runtime.dir,
        JWT_JWKS_URL: idp.url,
        JWT_JWKS_COOLDOWN_SEC: String(COOLDOWN_MS / 1000),
        JWT_JWKS_TIMEOUT_MS: String(TIMEOUT_MS),
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await idp.stop().catch(() => undefined);
    runtime.dispose();
  });

  it('loads the IdP keys at start and verifies tokens without refetching', async () => {
    expect(idp.requests).toBe(1);
    for (let i = 0; i < 5; i += 1) expect(await call(await token(keyA))).toBe(200);
    expect(idp.requests).toBe(1);
  });

  it('does not accept dev tokens nor serve the dev JWKS while an IdP is configured', async () => {
    expect(await call(await devToken(runtime.dir, { subject: 'x', ...claims }))).toBe(401);
    expect((await gw.request('/.well-known/jwks.json')).status).toBe(404);
  });

  it('answers a storm of 200 random kids 401 with at most one JWKS fetch per cooldown', async () => {
    await sleep(COOLDOWN_MS);
    const before = idp.requests;
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async (_, i) =>
        call(await token(stranger, { kid: `random-${i}-${Math.random()}` })),
      ),
    );
    const elapsed = Date.now() - started;
    expect(statuses.every((status) => status === 401)).toBe(true);
    expect(idp.requests - before).toBeGreaterThanOrEqual(1);
    expect(idp.requests - before).toBeLessThanOrEqual(1 + Math.floor(elapsed / COOLDOWN_MS));
  });

  it('follows a key rotation without restart: the new key works, the dropped one stops', async () => {
    idp.serve(buildTestJwks(keyB));
    await sleep(COOLDOWN_MS);
    // Polled: a fetch the storm started late may still hold the cooldown on a slow machine.
    expect(await waitUntil(async () => (await call(await token(keyB))) === 200, COOLDOWN_MS * 3, 100)).toBe(
      true,
    );
    expect(await call(await token(keyA))).toBe(401);
  });

  it('keeps working on cached keys while the IdP hangs, and bounds unknown-kid lookups by the timeout', async () => {
    idp.hang();
    await sleep(COOLDOWN_MS);
    const unknown = await token(stranger, { kid: 'during-hang' });
    const started = Date.now();
    expect(await call(unknown)).toBe(401);
    // The fetch gives up at TIMEOUT_MS; the IdP itself never answers.
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 3_000);
    expect(await call(await token(keyB))).toBe(200);
  });

  it('keeps working on cached keys when the IdP is down, and answers an unknown kid 401 quickly', async () => {
    await idp.stop();
    await sleep(COOLDOWN_MS);
    const unknown = await token(stranger, { kid: 'during-outage' });
    const started = Date.now();
    expect(await call(unknown)).toBe(401);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 3_000);
    for (let i = 0; i < 3; i += 1) expect(await call(await token(keyB))).toBe(200);
  });
});
