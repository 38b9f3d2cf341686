import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { inspect } from 'node:util';

import pino from 'pino';
import type * as Undici from 'undici';

import { buildProblemBody, createDeadline, mapToProblem, raisedBeforeUpstream } from '@toolgate/core';

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
    await client.onApplicationShutdown();
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

  describe('a transport error quoting the request URL (with `query` auth, the secret is in it)', () => {
    // The module object the client calls `request` on.
    const undici = jest.requireActual<typeof Undici>('undici');
    const url = 'https://api.example.com/v1/items?api_key=s3cr3t-in-query';
    afterEach(() => jest.restoreAllMocks());

    it.each([
      ['unreachable', 'ECONNRESET', 502, 'PROVIDER.UPSTREAM_ERROR'],
      ['timed out', 'UND_ERR_HEADERS_TIMEOUT', 504, 'PROVIDER.TIMEOUT'],
    ])(
      '%s: no trace of it in the problem, the error or what the logger writes',
      async (_, code, status, problem) => {
        const quoting = Object.assign(new Error(`request to ${url} failed`), {
          code,
          cause: new Error(`socket closed while sending GET ${url}`),
        });
        jest.spyOn(undici, 'request').mockRejectedValueOnce(quoting);
        const error = await client
          .send({ method: 'GET', url, headers: {} }, ctx())
          .catch((thrown: unknown) => thrown);
        expect(error).toMatchObject({ status, code: problem });
        expect((error as Error).cause).toMatchObject({ name: 'Error', message: code });
        for (const written of [
          JSON.stringify(buildProblemBody(mapToProblem(error), '/tools/x/invoke', 'r1')),
          inspect(error, { depth: 10 }),
          JSON.stringify(pino.stdSerializers.err(error as Error)),
        ]) {
          expect(written).not.toContain('s3cr3t');
          expect(written).not.toContain('api.example.com');
        }
      },
    );
  });

  it('marks a connection the SSRF guard refused as raised before the upstream was called', async () => {
    const guarded = new HttpApiClient(loadHttpProviderConfig({}));
    const error = await guarded
      .send({ method: 'GET', url: `${base}/file`, headers: {} }, ctx())
      .catch((thrown: unknown) => thrown);
    await guarded.onApplicationShutdown();
    expect(error).toMatchObject({ status: 502, code: 'PROVIDER.UPSTREAM_ERROR' });
    expect(raisedBeforeUpstream(error)).toBe(true);
  });
});
