import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Agent, request } from 'undici';

import { createSafeDispatcher } from './safe-dispatcher.util';
import { type HostLookup, UnsafeUrlException } from './ssrf-guard.util';

describe('createSafeDispatcher (connect-time SSRF guard)', () => {
  let server: Server;
  let port: number;
  let hits: string[];
  const agents: Agent[] = [];

  const dispatcher = (options: Parameters<typeof createSafeDispatcher>[0]) => {
    const agent = createSafeDispatcher(options);
    agents.push(agent);
    return agent;
  };
  const get = (url: string, agent: Agent) =>
    request(url, { dispatcher: agent }).then(
      async (response) => ({ status: response.statusCode, body: await response.body.text() }),
      (error: unknown) => error,
    );

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok ${req.url}`);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => (hits = []));
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.close()));
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('connects to a listed IP literal', async () => {
    const agent = dispatcher({ allowedHosts: ['127.0.0.1'] });
    expect(await get(`http://127.0.0.1:${port}/a`, agent)).toEqual({ status: 200, body: 'ok /a' });
  });

  it('refuses an unlisted loopback literal before connecting', async () => {
    const error = await get(`http://127.0.0.1:${port}/a`, dispatcher({}));
    expect(error).toBeInstanceOf(UnsafeUrlException);
    expect((error as UnsafeUrlException).reason).toBe('127.0.0.1 is a loopback address');
    expect(hits).toEqual([]);
  });

  it('refuses a real DNS name resolving to loopback when only the IP is listed', async () => {
    const error = await get(`http://localhost:${port}/a`, dispatcher({ allowedHosts: ['127.0.0.1'] }));
    expect(error).toBeInstanceOf(UnsafeUrlException);
    expect((error as UnsafeUrlException).reason).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), a loopback/,
    );
    expect(hits).toEqual([]);
  });

  it('connects to a listed name', async () => {
    const agent = dispatcher({
      allowedHosts: ['localhost'],
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(await get(`http://localhost:${port}/b`, agent)).toEqual({ status: 200, body: 'ok /b' });
  });

  it('re-checks a name at connect time (DNS rebinding after registration)', async () => {
    let answer = '93.184.216.34';
    const lookup: HostLookup = async () => [{ address: answer, family: 4 }];
    const agent = dispatcher({ lookup });
    answer = '127.0.0.1';
    const error = await get(`http://rebind.example.com:${port}/c`, agent);
    expect(error).toBeInstanceOf(UnsafeUrlException);
    expect((error as UnsafeUrlException).reason).toBe(
      'rebind.example.com resolves to 127.0.0.1, a loopback address',
    );
    expect(hits).toEqual([]);
  });

  it('refuses metadata endpoints even when listed', async () => {
    const agent = dispatcher({
      allowedHosts: ['metadata.google.internal', 'cloud.example.com'],
      lookup: async () => [{ address: '169.254.169.254', family: 4 }],
    });
    expect(await get(`http://metadata.google.internal:${port}/`, agent)).toBeInstanceOf(UnsafeUrlException);
    expect(await get(`http://cloud.example.com:${port}/`, agent)).toBeInstanceOf(UnsafeUrlException);
  });

  it('does not follow redirects', async () => {
    const agent = dispatcher({ allowedHosts: ['127.0.0.1'] });
    expect(await get(`http://127.0.0.1:${port}/redirect`, agent)).toMatchObject({ status: 302 });
    expect(hits).toEqual(['/redirect']);
  });
});
