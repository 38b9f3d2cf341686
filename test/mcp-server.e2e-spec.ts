import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  ElicitRequestSchema,
  type ElicitRequest,
} from '@modelcontextprotocol/sdk/types.js';

import { runSql, waitUntil } from '@toolgate/testing';

import { discovered, type Json, MCP_PEOPLE, type McpGateway, startMcpGateway } from './support/mcp-gateway';
import { type DriftServer, type McpPeer, startDriftServer, startEverything } from './support/mcp-peers';

const INSPECTOR = join(
  __dirname,
  '../node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js',
);

describe('Toolgate as an MCP server (e2e, SDK clients and the Inspector CLI)', () => {
  let mg: McpGateway;
  let everything: McpPeer;
  let drift: DriftServer;
  const clients: Client[] = [];

  /**
   * An SDK client of `/mcp<path>` as `who`; `onElicit` declares elicitation and answers it; `fetch`
   * replaces the HTTP client (to change the credential of some requests).
   */
  async function connect(
    who: string,
    path = '',
    onElicit?: (request: ElicitRequest) => Json,
    fetch?: FetchLike,
  ): Promise<Client> {
    const client = new Client(
      { name: 'e2e-agent', version: '1.0.0' },
      { capabilities: onElicit ? { elicitation: {} } : {} },
    );
    if (onElicit)
      client.setRequestHandler(ElicitRequestSchema, async (request) => onElicit(request) as never);
    const transport = new StreamableHTTPClientTransport(new URL(`${mg.gw.baseUrl}/mcp${path}`), {
      requestInit: { headers: { authorization: `Bearer ${mg.tokens[who]}` } },
      ...(fetch ? { fetch } : {}),
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }
  const call = (client: Client, name: string, args: Json = {}) =>
    client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

  beforeAll(async () => {
    [everything, drift] = await Promise.all([startEverything('streamableHttp'), startDriftServer()]);
    mg = await startMcpGateway({ MCP_EVERYTHING_URL: everything.url, MCP_DRIFT_URL: drift.url });
    await Promise.all([mg.waitFor('everything', discovered), mg.waitFor('drift', discovered)]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await mg?.close();
    await everything?.stop();
    await drift?.close();
  });

  it('answers 401 with a resource_metadata challenge naming the RFC 9728 document', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    };
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      const response = await mg.gw.request('/mcp', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify(init),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain(
        'resource_metadata="https://toolgate.test/.well-known/oauth-protected-resource"',
      );
    }
    const metadata = await mg.gw.request('/.well-known/oauth-protected-resource');
    expect(await metadata.json()).toEqual({
      resource: 'https://toolgate.test/mcp',
      authorization_servers: ['https://idp.local'],
      bearer_methods_supported: ['header'],
      resource_name: 'Toolgate MCP',
    });
  });

  it('accepts 2025-06-18 clients as well as 2025-11-25 ones', async () => {
    const response = await mg.gw.request('/mcp', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${mg.tokens.agent}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: { elicitation: {} },
          clientInfo: { name: 'old', version: '1' },
        },
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeTruthy();
    expect(await response.text()).toContain('"protocolVersion":"2025-06-18"');
    const client = await connect('agent');
    expect(client.getServerVersion()?.name).toBe('toolgate');
  });

  it('/mcp lists the caller’s governed catalog under valid MCP names and calls tools through the pipeline', async () => {
    const agent = await connect('agent');
    const names = (await agent.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'mcp_everything__echo',
        'mcp_everything__get-sum',
        'mcp_drift__wipe',
        'toolgate_confirm',
      ]),
    );
    expect(names.every((name) => /^[a-zA-Z0-9_-]{1,64}$/.test(name))).toBe(true);
    const sum = await call(agent, 'mcp_everything__get-sum', { a: 20, b: 22 });
    expect(sum.isError).toBeFalsy();
    expect(sum.content).toEqual([{ type: 'text', text: 'The sum of 20 and 22 is 42.' }]);
    const invalid = await call(agent, 'mcp_everything__get-sum', { a: 'x' });
    expect(invalid).toMatchObject({
      isError: true,
      structuredContent: { code: 'REQUEST.VALIDATION_FAILED', status: 422 },
    });
    const nobody = await connect('nobody');
    expect((await nobody.listTools()).tools.map((tool) => tool.name)).toEqual(['toolgate_confirm']);
    await expect(call(nobody, 'mcp_everything__echo', { message: 'x' })).rejects.toThrow(/Unknown tool/);
  });

  it('/mcp/{server} exposes one upstream with its original names, resources and prompts', async () => {
    const agent = await connect('agent', '/everything');
    const names = (await agent.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(names).not.toContain('lookup');
    expect((await call(agent, 'echo', { message: 'hi' })).content).toEqual([
      { type: 'text', text: 'Echo: hi' },
    ]);
    const resources = await agent.listResources();
    expect(resources.resources.length).toBeGreaterThan(0);
    const read = await agent.readResource({ uri: resources.resources[0].uri });
    expect(read.contents[0].uri).toBe(resources.resources[0].uri);
    expect((await agent.listResourceTemplates()).resourceTemplates.length).toBeGreaterThan(0);
    expect((await agent.listPrompts()).prompts.map((prompt) => prompt.name)).toContain('simple-prompt');
    const prompt = await agent.getPrompt({ name: 'args-prompt', arguments: { city: 'Lyon' } });
    expect(JSON.stringify(prompt.messages)).toContain('Lyon');
  });

  it('refuses /mcp/{server} without the server’s scope (403) and an unknown server (404)', async () => {
    await expect(connect('limited', '/everything')).rejects.toThrow(/403/);
    await expect(connect('agent', '/nowhere')).rejects.toThrow(/404/);
    const agent = await connect('agent');
    const session = (agent.transport as StreamableHTTPClientTransport).sessionId!;
    const hijack = await mg.gw.request('/mcp', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${mg.tokens.limited}`,
        'mcp-session-id': session,
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(hijack.status).toBe(404);
  });

  it('confirms a destructive call by elicitation: runs on accept, not on decline or accept without confirm', async () => {
    const asked: ElicitRequest[] = [];
    let answer: Json = { action: 'accept', content: { confirm: true } };
    const agent = await connect('agent', '', (request) => (asked.push(request), answer));
    const before = drift.calls;
    const ran = await call(agent, 'mcp_drift__wipe', { id: 'r7' });
    expect(ran.isError).toBeFalsy();
    expect(ran.content).toEqual([{ type: 'text', text: 'wiped r7' }]);
    expect(drift.calls).toBe(before + 1);
    expect(asked).toHaveLength(1);
    expect(asked[0].params.message).toContain('mcp.drift:wipe');
    expect(asked[0].params.message).toContain('id="r7"');
    expect(asked[0].params.message).toMatch(/expires at \d{4}-/);
    answer = { action: 'decline' };
    const declined = await call(agent, 'mcp_drift__wipe', { id: 'r8' });
    expect(declined).toMatchObject({ isError: true, structuredContent: { code: 'CONFIRMATION.DECLINED' } });
    expect(drift.calls).toBe(before + 1);
    // The declined action is cancelled at once, not left open until it expires.
    const statuses = await runSql<{ status: string }>(
      mg.gw.databaseUrl,
      `SELECT status FROM pending_actions WHERE subject = 'agent' AND arguments->>'id' = 'r8'`,
    );
    expect(statuses).toEqual([{ status: 'cancelled' }]);
    answer = { action: 'accept' };
    const unconfirmed = await call(agent, 'mcp_drift__wipe', { id: 'r8' });
    expect(unconfirmed).toMatchObject({
      isError: true,
      structuredContent: { code: 'CONFIRMATION.DECLINED' },
    });
    expect(drift.calls).toBe(before + 1);
  });

  it('re-checks an accepted confirmation as the request carrying the answer; a refusal keeps the token', async () => {
    // The answer comes under another credential of the same subject, one that may no longer use the tool.
    const weak = await mg.mint({ subject: 'agent', tenant: MCP_PEOPLE.agent.tenant, roles: [] });
    const answerAsWeak: FetchLike = (url, init) => {
      const headers = new Headers(init?.headers);
      const message = typeof init?.body === 'string' ? (JSON.parse(init.body) as Json) : {};
      if ('result' in message && !('method' in message)) headers.set('authorization', `Bearer ${weak}`);
      return fetch(url, { ...init, headers });
    };
    const accept = () => ({ action: 'accept', content: { confirm: true } });
    const agent = await connect('agent', '', accept, answerAsWeak);
    const before = drift.calls;
    const refused = await call(agent, 'mcp_drift__wipe', { id: 'r12' });
    expect(refused).toMatchObject({
      isError: true,
      structuredContent: {
        code: 'POLICY.DENIED',
        status: 403,
        action_id: expect.any(String),
        action_token: expect.any(String),
      },
    });
    expect(drift.calls).toBe(before);
    const { action_id, action_token } = refused.structuredContent as Json;
    const confirmed = await call(agent, 'toolgate_confirm', { action_id, action_token });
    expect(confirmed.content).toEqual([{ type: 'text', text: 'wiped r12' }]);
    expect(drift.calls).toBe(before + 1);
  });

  it('without elicitation, answers the action token and runs the call through toolgate_confirm', async () => {
    const agent = await connect('agent', '/drift');
    expect((await agent.listTools()).tools.map((tool) => tool.name)).toContain('toolgate_confirm');
    const before = drift.calls;
    const held = await call(agent, 'wipe', { id: 'r9' });
    expect(held.isError).toBe(true);
    expect(held.structuredContent).toMatchObject({
      code: 'CONFIRMATION.REQUIRED',
      requires_confirmation: true,
      action_id: expect.any(String),
      action_token: expect.any(String),
      expires_at: expect.any(String),
    });
    expect(drift.calls).toBe(before);
    const { action_id, action_token } = held.structuredContent as Json;
    const confirmed = await call(agent, 'toolgate_confirm', { action_id, action_token });
    expect(confirmed.content).toEqual([{ type: 'text', text: 'wiped r9' }]);
    expect(drift.calls).toBe(before + 1);
    const again = await call(agent, 'toolgate_confirm', {
      action_id,
      action_token,
      tool_id: 'mcp.drift:wipe',
      arguments: { id: 'r9' },
    });
    expect(again).toMatchObject({ isError: true, structuredContent: { status: 409 } });
    expect(drift.calls).toBe(before + 1);
    // The hold, the confirm and the call share the gateway's own correlation id, not an HTTP request's id.
    const correlation = (held.structuredContent as Json).correlation_id as string;
    expect(correlation).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const events = await runSql<{ event: string; status: string; request_id: string }>(
      mg.gw.databaseUrl,
      'SELECT event, status, request_id FROM audit_events WHERE correlation_id = $1 ORDER BY seq',
      [correlation],
    );
    expect(events.map((row) => `${row.event}:${row.status}`)).toEqual([
      'actions.create:202',
      'tools.confirm:ok',
      'tools.invoke:intent',
      'tools.invoke:ok',
      'tools.confirm:409',
    ]);
    expect(events.every((row) => row.request_id !== correlation)).toBe(true);
  });

  it('refuses a call the provider would refuse before holding it: no approval is asked for', async () => {
    const finance = await connect('finance');
    const name = (await finance.listTools()).tools
      .map((tool) => tool.name)
      .find((n) => /createCampaign/.test(n));
    const refused = await call(finance, name!, {
      name: 'Not granted',
      budget: 10,
      startDate: '2025-10-10',
      customerId: '123-456-7890',
    });
    expect(refused).toMatchObject({
      isError: true,
      structuredContent: { status: 403, code: 'ADS.CUSTOMER_NOT_ALLOWED' },
    });
    const held = await runSql(
      mg.gw.databaseUrl,
      `SELECT id FROM pending_actions WHERE arguments->>'name' = 'Not granted'`,
    );
    expect(held).toEqual([]);
  });

  it('confirms a call held in another session only with the tool id and the same arguments', async () => {
    const held = (await call(await connect('agent', '/drift'), 'wipe', { id: 'r10' }))
      .structuredContent as Json;
    const catalog = await connect('agent');
    const before = drift.calls;
    const bare = await call(catalog, 'toolgate_confirm', {
      action_id: held.action_id,
      action_token: held.action_token,
    });
    expect(bare.structuredContent).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED', status: 422 });
    const token = { action_id: held.action_id, action_token: held.action_token, tool_id: 'mcp.drift:wipe' };
    const other = await call(catalog, 'toolgate_confirm', { ...token, arguments: { id: 'r11' } });
    expect(other).toMatchObject({ isError: true, structuredContent: { status: 422 } });
    const stolen = await call(await connect('limited'), 'toolgate_confirm', {
      ...token,
      arguments: { id: 'r10' },
    });
    expect(stolen.isError).toBe(true);
    expect(drift.calls).toBe(before);
    const confirmed = await call(catalog, 'toolgate_confirm', { ...token, arguments: { id: 'r10' } });
    expect(confirmed.content).toEqual([{ type: 'text', text: 'wiped r10' }]);
    expect(drift.calls).toBe(before + 1);
  });

  it('works with the MCP Inspector CLI and a dev token', async () => {
    const home = mkdtempSync(join(tmpdir(), 'inspector-'));
    const run = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        [
          INSPECTOR,
          '--cli',
          `${mg.gw.baseUrl}/mcp`,
          '--transport',
          'http',
          '--header',
          `Authorization: Bearer ${mg.tokens.agent}`,
          ...args,
        ],
        {
          env: { PATH: process.env.PATH, HOME: home, MCP_CATALOG_PATH: join(home, 'mcp.json') },
          timeout: 30_000,
        },
      );
    try {
      const listed = JSON.parse((await run('--method', 'tools/list')).stdout) as Json;
      expect((listed.tools as Json[]).map((tool) => tool.name)).toContain('mcp_everything__get-sum');
      const called = JSON.parse(
        (
          await run(
            '--method',
            'tools/call',
            '--tool-name',
            'mcp_everything__get-sum',
            '--tool-arg',
            'a=1',
            'b=2',
          )
        ).stdout,
      ) as Json;
      expect(called.content[0].text).toBe('The sum of 1 and 2 is 3.');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('MCP abuse limits (e2e): session caps and audited auth failures', () => {
  let mg: McpGateway;
  beforeAll(async () => {
    mg = await startMcpGateway({
      MCP_MAX_SESSIONS: '6',
      MCP_MAX_SESSIONS_PER_PRINCIPAL: '4',
      AUTH_FAILURE_WINDOW_SEC: '1',
    });
  });
  afterAll(() => mg?.close());

  const post = async (who: string, body: Json, session?: string) => {
    const response = await mg.gw.request('/mcp', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${mg.tokens[who] ?? who}`,
        ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, ...body }),
    });
    await response.text();
    return { status: response.status, session: response.headers.get('mcp-session-id') ?? '' };
  };
  const initialize = (who: string) =>
    post(who, {
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: who, version: '1' } },
    });
  const listTools = async (who: string, session: string) =>
    (await post(who, { method: 'tools/list' }, session)).status;

  it('a flood of initializes replaces the flooder’s own sessions; the biggest holder makes room', async () => {
    const victim = await initialize('agent');
    const bystander = await initialize('limited');
    expect([victim.status, bystander.status]).toEqual([200, 200]);
    const flood: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const opened = await initialize('nobody');
      expect(opened.status).toBe(200);
      flood.push(opened.session);
    }
    expect(await listTools('agent', victim.session)).toBe(200);
    expect(await listTools('limited', bystander.session)).toBe(200);
    expect(await listTools('nobody', flood[0])).toBe(404);
    expect(await listTools('nobody', flood[19])).toBe(200);

    // Full replica (1 + 1 + 4): a newcomer takes the flooder's oldest session, not the others'.
    const newcomer = await initialize('acmeRoot');
    expect(newcomer.status).toBe(200);
    expect(await listTools('acmeRoot', newcomer.session)).toBe(200);
    expect(await listTools('agent', victim.session)).toBe(200);
    expect(await listTools('limited', bystander.session)).toBe(200);
    expect(await listTools('nobody', flood[16])).toBe(404);
    expect(await listTools('nobody', flood[17])).toBe(200);

    // Concurrent initializes count against the caps as they arrive: none overshoots, none evicts others.
    const burst = await Promise.all(Array.from({ length: 8 }, () => initialize('nobody')));
    expect(burst.every(({ status }) => status === 200 || status === 429)).toBe(true);
    expect(await listTools('agent', victim.session)).toBe(200);
    expect(await listTools('limited', bystander.session)).toBe(200);
    expect(await listTools('acmeRoot', newcomer.session)).toBe(200);
  });

  it('a flood of bad credentials adds one auth.failure, then one counted event per window', async () => {
    const failures = () =>
      runSql<{ details: Json }>(
        mg.gw.databaseUrl,
        `SELECT details FROM audit_events
          WHERE tenant = '_gateway' AND event = 'auth.failure' AND details->>'route' = '/mcp' ORDER BY seq`,
      );
    const before = (await failures()).length;
    const started = Date.now();
    for (let i = 0; i < 200; i += 1) expect((await initialize('not-a-token')).status).toBe(401);
    const windows = Math.ceil((Date.now() - started) / 1_000) + 1;
    const counted = async () =>
      (await failures()).slice(before).reduce((sum, { details }) => sum + Number(details.count ?? 1), 0);
    expect(await waitUntil(async () => (await counted()) === 200, 10_000, 100)).toBe(true);
    const rows = (await failures()).slice(before);
    // First of each 1 s window on its own, the rest of the window as one event with a count (however long
    // the flood took on this machine; without grouping there would be 200).
    expect(rows.length).toBeLessThanOrEqual(2 * windows + 2);
    expect(rows.find(({ details }) => details.aggregated)?.details).toMatchObject({
      ip: expect.any(String),
      route: '/mcp',
      reason: expect.any(String),
      count: expect.any(Number),
    });
  });
});
