import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import {
  createDeadline,
  createSafeDispatcher,
  DomainException,
  markBeforeUpstream,
  ProviderUnavailableException,
  raisedBeforeUpstream,
} from '@toolgate/core';

import { CredentialTimeoutException, CredentialUnavailableException } from './broker.exception';
import { type CredentialSource, type IssuedCredential } from './broker.types';
import { ClientCredentialsSource, RefreshTokenSource } from './sources/oauth.source';
import { StaticSecretSource } from './sources/static-secret.source';
import { FAILURE_BACKOFF_MS, ISSUE_STALE_MS, TokenBroker, tokenMetaOf } from './token-broker.service';

const request = {
  scopes: ['ads.write'],
  subject: 'agent-1',
  tenant: 'public',
  purpose: 'ads:createCampaign',
};

describe('TokenBroker', () => {
  let server: Server;
  let tokenUrl: string;
  let forms: URLSearchParams[];
  let answer: { status: number; body: unknown };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        forms.push(new URLSearchParams(body));
        setTimeout(() => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer.body));
        }, 20);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => {
    forms = [];
    answer = {
      status: 200,
      body: { access_token: 'upstream-token-1', token_type: 'Bearer', expires_in: 3600, scope: 'a b' },
    };
    process.env.TEST_CLIENT_SECRET = 'client-secret';
  });

  /** A client-credentials source on the fake token endpoint. */
  const source = (overrides: Partial<ConstructorParameters<typeof ClientCredentialsSource>[0]> = {}) =>
    new ClientCredentialsSource({
      provider: 'p',
      tokenUrl,
      clientId: 'gw',
      secretEnv: 'TEST_CLIENT_SECRET',
      ...overrides,
    });

  it('exchanges client credentials once and reuses the token for a burst of calls', async () => {
    const broker = new TokenBroker();
    broker.register(
      'mcp.x',
      new ClientCredentialsSource({
        provider: 'mcp.x',
        tokenUrl,
        clientId: 'gw',
        secretEnv: 'TEST_CLIENT_SECRET',
        scopes: ['a'],
      }),
    );
    const results = await Promise.all(Array.from({ length: 20 }, () => broker.exchange('mcp.x', request)));
    expect(forms).toHaveLength(1);
    expect(Object.fromEntries(forms[0])).toEqual({
      grant_type: 'client_credentials',
      client_id: 'gw',
      client_secret: 'client-secret',
      scope: 'a',
    });
    expect(results.every((credential) => credential?.access_token === 'upstream-token-1')).toBe(true);
    expect(await broker.exchange('mcp.x', request)).toMatchObject({ scopes: ['a', 'b'] });
    expect(forms).toHaveLength(1);
  });

  /** Moves the broker's clock to `ms` after `from` (the sources' own timers are left alone). */
  const later = (ms: number, from = Date.now()) => {
    jest.spyOn(Date, 'now').mockImplementation(() => from + ms);
  };
  afterEach(() => jest.restoreAllMocks());

  it('fetches a new token 30 s before the cached one expires', async () => {
    answer.body = { access_token: 'hour', expires_in: 3600 };
    const broker = new TokenBroker();
    broker.register('p', source());
    await broker.exchange('p', request);
    later(3_569_000);
    await broker.exchange('p', request);
    expect(forms).toHaveLength(1);
    later(3_571_000);
    await broker.exchange('p', request);
    expect(forms).toHaveLength(2);
  });

  it('reuses a token living 30 s or less for half its lifetime', async () => {
    answer.body = { access_token: 'short', expires_in: 20 };
    const broker = new TokenBroker();
    broker.register('p', source());
    // 9 s after the request, not after its answer: the seconds left do not depend on the machine's speed.
    const requested = Date.now();
    for (let i = 0; i < 5; i += 1) await broker.exchange('p', request);
    expect(forms).toHaveLength(1);
    later(9_000, requested);
    expect((await broker.exchange('p', request))?.expires_in).toBe(11);
    expect(forms).toHaveLength(1);
    later(10_001);
    await broker.exchange('p', request);
    expect(forms).toHaveLength(2);
  });

  it('shares a credential between the same scopes in any order, never between different ones', async () => {
    const broker = new TokenBroker();
    broker.register('p', source());
    await broker.exchange('p', { ...request, scopes: ['a', 'b'] });
    await broker.exchange('p', { ...request, scopes: ['b', 'a', 'b'] });
    expect(forms).toHaveLength(1);
    await broker.exchange('p', { ...request, scopes: ['a b'] });
    expect(forms).toHaveLength(2);
  });

  it('drops a cached token the upstream refused, and only that one', async () => {
    const broker = new TokenBroker();
    broker.register('p', source());
    const first = await broker.exchange('p', request);
    expect(broker.invalidate('p', 'another-token')).toBe(false);
    expect(broker.invalidate('q', first!.access_token)).toBe(false);
    expect((await broker.exchange('p', request))?.access_token).toBe('upstream-token-1');
    expect(forms).toHaveLength(1);
    answer.body = { access_token: 'upstream-token-2', expires_in: 3600 };
    expect(broker.invalidate('p', first!.access_token)).toBe(true);
    expect((await broker.exchange('p', request))?.access_token).toBe('upstream-token-2');
    expect(forms).toHaveLength(2);
  });

  it('answers the calls after a failed token request with its failure for a few seconds, then tries again', async () => {
    answer = { status: 400, body: { error: 'invalid_grant' } };
    const broker = new TokenBroker();
    broker.register('p', source());
    for (let i = 0; i < 5; i += 1) {
      await expect(broker.exchange('p', request)).rejects.toThrow(/answered 400/);
    }
    expect(forms).toHaveLength(1);
    later(FAILURE_BACKOFF_MS + 1);
    answer = { status: 200, body: { access_token: 'after-backoff', expires_in: 3600 } };
    expect((await broker.exchange('p', request))?.access_token).toBe('after-backoff');
    expect(forms).toHaveLength(2);
    // Another key, and the same key once the source is registered again, are not held back.
    const fresh = new TokenBroker();
    fresh.register('p', source());
    answer = { status: 400, body: { error: 'invalid_grant' } };
    await expect(fresh.exchange('p', request)).rejects.toThrow(/answered 400/);
    answer = { status: 200, body: { access_token: 'other-scopes', expires_in: 3600 } };
    expect((await fresh.exchange('p', { ...request, scopes: ['x'] }))?.access_token).toBe('other-scopes');
    fresh.register('p', source());
    expect((await fresh.exchange('p', request))?.access_token).toBe('other-scopes');
  });

  it('uses the refresh-token grant and names a missing variable', async () => {
    process.env.TEST_REFRESH = 'refresh-1';
    process.env.TEST_CLIENT_ID = 'client-1';
    const broker = new TokenBroker();
    broker.register(
      'ads',
      new RefreshTokenSource({
        provider: 'ads',
        tokenUrl,
        clientIdEnv: 'TEST_CLIENT_ID',
        clientSecretEnv: 'TEST_CLIENT_SECRET',
        refreshTokenEnv: 'TEST_REFRESH',
      }),
    );
    await broker.exchange('ads', request);
    expect(forms[0].get('grant_type')).toBe('refresh_token');
    expect(forms[0].get('refresh_token')).toBe('refresh-1');
    delete process.env.TEST_REFRESH;
    broker.register(
      'ads',
      new RefreshTokenSource({
        provider: 'ads',
        tokenUrl,
        clientIdEnv: 'TEST_CLIENT_ID',
        clientSecretEnv: 'TEST_CLIENT_SECRET',
        refreshTokenEnv: 'TEST_REFRESH',
      }),
    );
    await expect(broker.exchange('ads', request)).rejects.toThrow(/TEST_REFRESH is not set/);
  });

  it.each([
    [{ status: 401, body: { error: 'invalid_client' } }, /answered 401/],
    [{ status: 200, body: { token_type: 'Bearer' } }, /no access_token/],
    [{ status: 200, body: null }, /no access_token/],
    [{ status: 200, body: ['x'] }, /no access_token/],
  ])('turns a bad token endpoint answer into a 503 problem', async (bad, message) => {
    answer = bad;
    const broker = new TokenBroker();
    broker.register('p', source());
    const failure = broker.exchange('p', request);
    await expect(failure).rejects.toBeInstanceOf(CredentialUnavailableException);
    await expect(broker.exchange('p', request)).rejects.toThrow(message);
  });

  it('issues static secrets from the environment and exposes only metadata', async () => {
    process.env.TEST_API_TOKEN = 'pd-secret';
    const broker = new TokenBroker();
    broker.register('pipedrive', new StaticSecretSource('pipedrive', 'TEST_API_TOKEN', 'api_token'));
    const credential = await broker.exchange('pipedrive', request);
    expect(credential?.access_token).toBe('pd-secret');
    expect(tokenMetaOf(credential)).toEqual({
      token_type: 'api_token',
      expires_in: 300,
      scopes: ['ads.write'],
    });
    expect(JSON.stringify(tokenMetaOf(credential))).not.toContain('pd-secret');
    expect(await broker.exchange('unregistered', request)).toBeUndefined();
  });

  /** A source whose token requests wait until the test settles them. */
  const controlled = (name: string) => {
    const waiting: (() => void)[] = [];
    const source: CredentialSource & { issued: number; answer(): void } = {
      issued: 0,
      issue: (req) => {
        source.issued += 1;
        return new Promise<IssuedCredential>((resolve) => {
          waiting.push(() =>
            resolve({
              token_type: 'Bearer',
              access_token: `${name}-token`,
              expires_in: 3600,
              scopes: req.scopes,
            }),
          );
        });
      },
      answer: () => waiting.splice(0).forEach((settle) => settle()),
    };
    return source;
  };

  describe('a source replaced or removed while its token request is in flight', () => {
    it('gives calls made after the change the new token, and never caches the old one', async () => {
      const broker = new TokenBroker();
      const old = controlled('old');
      broker.register('p', old);
      const before = broker.exchange('p', request);
      const rotated = controlled('new');
      broker.register('p', rotated);
      const after = broker.exchange('p', request);
      old.answer();
      rotated.answer();
      expect((await before)?.access_token).toBe('old-token');
      expect((await after)?.access_token).toBe('new-token');
      expect((await broker.exchange('p', request))?.access_token).toBe('new-token');
      expect(rotated.issued).toBe(1);
    });

    it('does not let a call join the request of a source that was removed and added again', async () => {
      const broker = new TokenBroker();
      const removed = controlled('removed');
      broker.register('q', removed);
      const pending = broker.exchange('q', request);
      broker.unregister('q');
      expect(await broker.exchange('q', request)).toBeUndefined();
      const again = controlled('again');
      broker.register('q', again);
      const next = broker.exchange('q', request);
      removed.answer();
      again.answer();
      await pending;
      expect((await next)?.access_token).toBe('again-token');
      expect((await broker.exchange('q', request))?.access_token).toBe('again-token');
      expect(again.issued).toBe(1);
    });
  });

  describe('with a deadline', () => {
    it('stops waiting for a slow token request at the deadline (504), and caches its token for later', async () => {
      const broker = new TokenBroker();
      const slow = controlled('slow');
      broker.register('p', slow);
      const deadline = createDeadline(30);
      try {
        const started = Date.now();
        const late = broker.exchange('p', request, deadline);
        await expect(late).rejects.toBeInstanceOf(CredentialTimeoutException);
        await expect(late).rejects.toMatchObject({
          status: 504,
          code: 'PROVIDER.TIMEOUT',
          detail: expect.stringMatching(/waiting for the credentials of provider p, .* safe to retry/),
          extensions: { provider: 'p', toolId: 'ads:createCampaign' },
        });
        expect(Date.now() - started).toBeLessThan(1_000);
      } finally {
        deadline.dispose();
      }
      slow.answer();
      await new Promise((done) => setImmediate(done));
      const expired = createDeadline(0);
      await new Promise((done) => setTimeout(done, 5));
      // A cached credential needs no wait: even a deadline that has passed gets it.
      expect((await broker.exchange('p', request, expired))?.access_token).toBe('slow-token');
      expect(slow.issued).toBe(1);
    });
  });

  describe('a token request that never ends', () => {
    it('is joined for ISSUE_STALE_MS, then taken for dead: the next call starts a new one', async () => {
      const broker = new TokenBroker();
      const hung = controlled('hung');
      broker.register('p', hung);
      const first = createDeadline(30);
      try {
        await expect(broker.exchange('p', request, first)).rejects.toBeInstanceOf(CredentialTimeoutException);
      } finally {
        first.dispose();
      }
      // A waiter's deadline is not the request's failure: the next call joins the same request.
      const joined = broker.exchange('p', request);
      expect(hung.issued).toBe(1);
      later(ISSUE_STALE_MS + 1);
      const fresh = broker.exchange('p', request);
      expect(hung.issued).toBe(2);
      hung.answer();
      expect((await fresh)?.access_token).toBe('hung-token');
      expect((await joined)?.access_token).toBe('hung-token');
      expect((await broker.exchange('p', request))?.access_token).toBe('hung-token');
      expect(hung.issued).toBe(2);
    });

    it('does not cache what the dead request brings back late', async () => {
      const broker = new TokenBroker();
      let issued = 0;
      const settle: ((token: string) => void)[] = [];
      broker.register('p', {
        issue: () =>
          new Promise<IssuedCredential>((resolve) => {
            issued += 1;
            settle.push((token) =>
              resolve({ token_type: 'Bearer', access_token: token, expires_in: 3600, scopes: [] }),
            );
          }),
      });
      const dead = broker.exchange('p', request);
      later(ISSUE_STALE_MS + 1);
      const fresh = broker.exchange('p', request);
      settle[1]('fresh-token');
      await fresh;
      settle[0]('late-token');
      await dead;
      expect((await broker.exchange('p', request))?.access_token).toBe('fresh-token');
      expect(issued).toBe(2);
    });
  });

  describe('renewing a credential the upstream refused', () => {
    it('remembers a deadline that passed during the renewal, and only then, as a 504 safe to retry', async () => {
      const broker = new TokenBroker();
      const slow = controlled('slow');
      broker.register('p', slow);
      const first = broker.exchange('p', request);
      slow.answer();
      expect((await first)?.access_token).toBe('slow-token');
      const deadline = createDeadline(30);
      try {
        // The refused token is dropped: the renewal waits for a new token request, past the deadline.
        const renewal = broker.renew('p', 'slow-token', request, deadline);
        await expect(renewal).rejects.toBeInstanceOf(CredentialTimeoutException);
        expect(slow.issued).toBe(2);
        expect(broker.credentialTimeoutOf(deadline)).toMatchObject({
          status: 504,
          code: 'PROVIDER.TIMEOUT',
          detail: expect.stringMatching(/had no effect and is safe to retry/),
        });
      } finally {
        deadline.dispose();
      }
      slow.answer();
      await new Promise((done) => setImmediate(done));
      // A renewal served in time leaves nothing behind.
      const inTime = createDeadline(30);
      try {
        expect((await broker.renew('p', 'another-token', request, inTime))?.access_token).toBe('slow-token');
        await new Promise((done) => setTimeout(done, 50));
        expect(broker.credentialTimeoutOf(inTime)).toBeUndefined();
      } finally {
        inTime.dispose();
      }
      expect(slow.issued).toBe(2);
    });
  });

  describe("waiting for a credential with the call's deadline", () => {
    it('remembers a deadline that passed during an exchange as the 504 of a call that sent nothing', async () => {
      const broker = new TokenBroker();
      const slow = controlled('slow');
      broker.register('p', slow);
      const deadline = createDeadline(30);
      const served = createDeadline(5_000);
      try {
        const late = broker.exchange('p', request, deadline);
        await expect(late).rejects.toBeInstanceOf(CredentialTimeoutException);
        const timeout = broker.credentialTimeoutOf(deadline);
        expect(timeout).toMatchObject({
          status: 504,
          code: 'PROVIDER.TIMEOUT',
          detail: expect.stringMatching(/provider p, so it had no effect and is safe to retry/),
        });
        await late.catch((error: unknown) => expect(error).toBe(timeout));
        // Raised inside a provider, it still says no upstream request was sent.
        expect(raisedBeforeUpstream(timeout)).toBe(true);
        // The token request goes on; a call served in time leaves nothing behind.
        const inTime = broker.exchange('p', request, served);
        slow.answer();
        expect((await inTime)?.access_token).toBe('slow-token');
        expect(broker.credentialTimeoutOf(served)).toBeUndefined();
        expect(slow.issued).toBe(1);
      } finally {
        deadline.dispose();
        served.dispose();
      }
    });

    it('tells synchronously whether an exchange would answer from the cache', async () => {
      const broker = new TokenBroker();
      expect(broker.isCached('p', request)).toBe(false);
      const slow = controlled('slow');
      broker.register('p', slow);
      expect(broker.isCached('p', request)).toBe(false);
      const first = broker.exchange('p', request);
      expect(broker.isCached('p', request)).toBe(false);
      slow.answer();
      await first;
      expect(broker.isCached('p', request)).toBe(true);
      expect(broker.isCached('p', { ...request, scopes: ['other'] })).toBe(false);
      later(3_600_000);
      expect(broker.isCached('p', request)).toBe(false);
    });
  });

  describe('a failed token request shared by several calls', () => {
    /** A source whose token requests fail at once with `error`. */
    const failing = (error: unknown): CredentialSource => ({ issue: () => Promise.reject(error) });
    const failuresOf = (calls: Promise<unknown>[]) =>
      Promise.all(
        calls.map((call) =>
          call.then(
            () => undefined,
            (error: unknown) => error,
          ),
        ),
      );

    it("gives each caller its own error: one caller's marks never reach another", async () => {
      answer = { status: 400, body: { error: 'invalid_grant' } };
      const broker = new TokenBroker();
      broker.register('p', source());
      const deadline = createDeadline(5_000);
      try {
        // Two calls joining the request in flight, then three during the failure backoff.
        const joined = await failuresOf([
          broker.exchange('p', request),
          broker.exchange('p', request, deadline),
        ]);
        const held = await failuresOf([
          broker.exchange('p', request),
          broker.exchange('p', request, deadline),
          broker.exchange('p', request),
        ]);
        const errors = [...joined, ...held] as CredentialUnavailableException[];
        expect(forms).toHaveLength(1);
        expect(new Set(errors).size).toBe(errors.length);
        for (const error of errors) {
          expect(error).toBeInstanceOf(CredentialUnavailableException);
          expect(error).toMatchObject({
            status: 503,
            code: 'PROVIDER.CREDENTIALS_UNAVAILABLE',
            detail: 'Credentials for provider p are unavailable: the token endpoint answered 400',
          });
          expect(error.cause).toBeInstanceOf(CredentialUnavailableException);
        }
        markBeforeUpstream(errors[0]);
        (errors[1].extensions as Record<string, unknown>).leaked = true;
        const next = (await broker.exchange('p', request).catch((error: unknown) => error)) as Error;
        expect(raisedBeforeUpstream(next)).toBe(false);
        expect(errors.slice(1).some((error) => raisedBeforeUpstream(error))).toBe(false);
        expect((next as CredentialUnavailableException).extensions).toEqual({});
      } finally {
        deadline.dispose();
      }
    });

    it('keeps the status and code of any other failure, whatever its class', async () => {
      const thrown = [
        new ProviderUnavailableException('p', 'down', { extensions: { n: 1 } }),
        new TypeError('socket hang up'),
        'not an error',
      ];
      for (const error of thrown) {
        const broker = new TokenBroker();
        broker.register('p', failing(error));
        const [first, second] = await failuresOf([
          broker.exchange('p', request),
          broker.exchange('p', request),
        ]);
        if (typeof error === 'string') {
          expect([first, second]).toEqual([error, error]);
          continue;
        }
        expect(first).not.toBe(second);
        expect(first).toMatchObject({ name: error.name, message: error.message, cause: error });
        if (error instanceof DomainException)
          expect(first).toMatchObject({ status: 503, code: 'PROVIDER.UNAVAILABLE', extensions: { n: 1 } });
      }
    });
  });

  describe('token endpoint hardening', () => {
    it('refuses an oversized token response without buffering it', async () => {
      answer.body = { access_token: 'x', padding: 'p'.repeat(200_000) };
      await expect(source().issue(request)).rejects.toThrow(/token response is too large/);
    });

    it('connects through the given dispatcher: the SSRF guard refuses a loopback token endpoint', async () => {
      const guarded = createSafeDispatcher({ allowedHosts: [], connectTimeoutMs: 1_000 });
      try {
        const refused = source({ dispatcher: guarded }).issue(request);
        await expect(refused).rejects.toBeInstanceOf(CredentialUnavailableException);
        await expect(refused).rejects.toThrow(/unreachable/);
        expect(forms).toHaveLength(0);
        expect((await source().issue(request)).access_token).toBe('upstream-token-1');
      } finally {
        await guarded.close();
      }
    });
  });
});
