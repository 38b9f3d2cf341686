import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { request } from 'undici';

import { BodyTooLargeError, exchangeHasBody, readBody, readBodyBytes } from './capped-body.util';

/** A server answering `size` bytes, with or without a Content-Length (chunked). */
describe('readBodyBytes', () => {
  let server: Server;
  let base: string;
  let written: number[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const size = Number(url.searchParams.get('size'));
      const chunk = Buffer.alloc(1024, 'a');
      if (url.searchParams.has('length')) res.setHeader('content-length', size);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
          sent += part.length;
          if (!res.write(part)) return void res.once('drain', pump);
        }
        written.push(sent);
        res.end();
      };
      res.on('close', () => written.push(sent));
      pump();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => (written = []));
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const get = (query: string) => request(`${base}/?${query}`);

  it('reads a body within the limit, declared or chunked', async () => {
    const declared = await get('size=3000&length');
    expect((await readBodyBytes(declared.body, 4096, declared.headers['content-length'])).length).toBe(3000);
    const chunked = await get('size=3000');
    expect(await readBody(chunked.body, 4096, chunked.headers['content-length'])).toBe('a'.repeat(3000));
  });

  it('refuses a declared length over the limit before reading the body', async () => {
    const response = await get('size=50000&length');
    await expect(
      readBodyBytes(response.body, 4096, response.headers['content-length']),
    ).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('reads the answer to a HEAD, whose Content-Length describes a body it does not carry', async () => {
    const head = await request(`${base}/?size=50000&length`, { method: 'HEAD' });
    expect(head.headers['content-length']).toBe('50000');
    const exchange = { method: 'HEAD', status: head.statusCode };
    expect(await readBodyBytes(head.body, 4096, head.headers['content-length'], exchange)).toEqual(
      Buffer.alloc(0),
    );
    const get = await request(`${base}/?size=50000&length`);
    await expect(
      readBody(get.body, 4096, get.headers['content-length'], { method: 'GET', status: 200 }),
    ).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it.each([
    ['HEAD', 200, false],
    ['head', 404, false],
    ['GET', 204, false],
    ['GET', 304, false],
    ['GET', 101, false],
    ['GET', 200, true],
    ['DELETE', 404, true],
  ])('knows whether %s answered %i has a body (%s)', (method, status, hasBody) => {
    expect(exchangeHasBody({ method, status })).toBe(hasBody);
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const response = await get('size=5000000');
    await expect(readBodyBytes(response.body, 4096)).rejects.toThrow(/larger than 4096 bytes/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Math.max(...written)).toBeLessThan(5_000_000);
  });
});
