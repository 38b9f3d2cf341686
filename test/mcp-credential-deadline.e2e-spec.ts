import { createServer, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

import { runSql } from '@toolgate/testing';

import { bearer } from './support/auth-fixtures';
import { discovered, type Json, type McpGateway, startMcpGateway } from './support/mcp-gateway';
import { type DriftServer, startDriftServer } from './support/mcp-peers';

/** The registered server's client secret (`MCP__<NAME>`, the namespace of registered servers). */
const SECRET_ENV = 'MCP__VAULT_CLIENT_SECRET';

/** An OAuth token endpoint that answers at once, or holds every token request until told to answer. */
async function startTokenEndpoint() {
  const held: ServerResponse[] = [];
  let holding = false;
  let expiresIn = 2;
  let issued = 0;
  const answer = (res: ServerResponse) => {
    issued += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ access_token: `vault-token-${issued}`, token_type: 'Bearer', expires_in: expiresIn }),
    );
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => (holding ? held.push(res) : answer(res)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    hold: () => void (holding = true),
    /** Answers the held requests and the next ones with tokens living `seconds`. */
    release: (seconds: number) => {
      holding = false;
      expiresIn = seconds;
      held.splice(0).forEach(answer);
    },
    held: () => held.length,
    close: () => {
      held.splice(0).forEach((res) => res.destroy());
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('upstream MCP server: a token endpoint that stalls past the deadline (e2e)', () => {
  let mg: McpGateway;
  let drift: DriftServer;
  let tokens: Awaited<ReturnType<typeof startTokenEndpoint>>;

  const invoke = async (key: string) => {
    const response = await mg.gw.request('/tools/mcp.vault:lookup/invoke', {
      method: 'POST',
      headers: { ...bearer(mg.tokens.agent), 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ id: 'r1' }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
  };
  const storedKey = (key: string) =>
    runSql(mg.gw.databaseUrl, 'SELECT key FROM idempotency_keys WHERE key = $1', [key]);

  beforeAll(async () => {
    [drift, tokens] = await Promise.all([startDriftServer(), startTokenEndpoint()]);
    process.env[SECRET_ENV] = 'vault-client-secret';
    // A 1.5 s deadline, far shorter than the token request's own limit (10 s).
    mg = await startMcpGateway({ TOOL_DEFAULT_TIMEOUT_MS: '1500', MCP_PING_INTERVAL_MS: '0' });
    const registered = await mg.call('root', '/mcp-servers', {
      method: 'POST',
      body: {
        name: 'vault',
        transport: 'streamable-http',
        url: drift.url,
        auth: {
          type: 'oauth-client-credentials',
          token_url: tokens.url,
          client_id: 'gw',
          secret_env: SECRET_ENV,
        },
      },
    });
    expect(registered.status).toBe(201);
    await mg.waitFor('vault', discovered);
  });
  afterAll(async () => {
    tokens?.release(3600);
    await mg?.call('root', '/mcp-servers/vault', { method: 'DELETE' });
    await mg?.close();
    await drift?.close();
    await tokens?.close();
    delete process.env[SECRET_ENV];
  });

  it('answers 504 saying a retry is safe, sends nothing upstream, and frees the key for the retry', async () => {
    // The session's token lives 2 s (reused for 1 s): once it is stale, the token endpoint stalls.
    tokens.hold();
    await sleep(1_100);
    const callsBefore = drift.calls;
    const late = await invoke('vault-stalled-token');
    expect(late.status).toBe(504);
    expect(late.body).toMatchObject({
      code: 'PROVIDER.TIMEOUT',
      detail: expect.stringMatching(/waiting for the credentials of provider mcp\.vault, .* safe to retry/),
      request_id: expect.any(String),
    });
    expect(tokens.held()).toBeGreaterThanOrEqual(1);
    expect(await storedKey('vault-stalled-token')).toEqual([]);
    // The token request goes on and fills the cache once answered; the call it timed out never goes upstream.
    tokens.release(3600);
    await sleep(300);
    expect(drift.calls).toBe(callsBefore);
    const retried = await invoke('vault-stalled-token');
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.body.result).toMatchObject({ structuredContent: { id: 'r1', found: true } });
    expect(drift.calls).toBe(callsBefore + 1);
  });
});
