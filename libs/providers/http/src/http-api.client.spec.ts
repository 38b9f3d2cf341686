import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { createDeadline } from '@toolgate/core';

import { HttpApiClient } from './http-api.client';
import { loadHttpProviderConfig } from './http-provider.config';

describe('HttpApiClient', () => {
  let server: Server;
  let base: string;
  const client = new HttpApiClient(loadHttpProviderConfig({ HTTP_PROVIDER_ALLOWED_HOSTS: '127.0.0.1' }));
  const ctx = () => ({ deadline: createDeadline(5_000), toolId: 'http.files:probe', requestId: 'r1' });
  const send = (method: string) =>
    client.send({ method, url: `${base}/file`, headers: {} }, ctx()).catch((error: unknown) => error);

  beforeAll(async () => {
    // A 5 MB file, over the 1 MiB response cap; a HEAD answer declares its length and sends no byte of it.
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 5_000_000 });
      res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(5_000_000));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await client.onModuleDestroy();
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('answers a HEAD of a resource larger than the response cap', async () => {
    expect(await send('HEAD')).toEqual({
      status: 200,
      contentType: 'application/octet-stream',
      body: Buffer.alloc(0),
    });
  });

  it('still refuses a GET whose declared body is over the cap, with 502', async () => {
    expect(await send('GET')).toMatchObject({ status: 502, code: 'PROVIDER.UPSTREAM_ERROR' });
  });
});
