import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { CredentialUnavailableException } from '../broker.exception';
import { requestOAuthToken, TOKEN_REQUEST_TIMEOUT_MS } from './oauth-token.client';

describe('requestOAuthToken', () => {
  let server: Server;
  let tokenUrl: string;
  let closed: number;

  /**
   * A token endpoint that answers 200 at once, then trickles its JSON one byte every 100 ms (each chunk well
   * within the 5 s per-chunk timeout) and completes it after about 3 s.
   */
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = `${' '.repeat(30)}{"access_token":"slow","expires_in":3600}`;
      let sent = 0;
      const drip = setInterval(() => {
        res.write(text.slice(sent, sent + 1));
        sent += 1;
        if (sent < text.length - 40) return;
        clearInterval(drip);
        res.end(text.slice(sent));
      }, 100);
      res.on('close', () => {
        clearInterval(drip);
        closed += 1;
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((done) => server.close(() => done()));
  });
  beforeEach(() => {
    closed = 0;
  });

  it('gives up on an endpoint trickling its answer at the overall timeout, headers and body together', async () => {
    const started = Date.now();
    const refused = requestOAuthToken('p', tokenUrl, { grant_type: 'client_credentials' }, undefined, 600);
    await expect(refused).rejects.toBeInstanceOf(CredentialUnavailableException);
    await expect(refused).rejects.toThrow(/did not answer within 0\.6 s/);
    expect(Date.now() - started).toBeLessThan(1_500);
    // The connection is dropped, not left trickling.
    await new Promise((done) => setTimeout(done, 200));
    expect(closed).toBe(1);
  });

  it('lets a complete answer through within the timeout, which defaults to about 10 s', async () => {
    expect(TOKEN_REQUEST_TIMEOUT_MS).toBe(10_000);
    const granted = await requestOAuthToken('p', tokenUrl, { grant_type: 'client_credentials' });
    expect(granted).toMatchObject({ access_token: 'slow', expires_in: 3600 });
  });
});
