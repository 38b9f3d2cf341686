import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type BeforeApplicationShutdown, Injectable, Module } from '@nestjs/common';

import { KeyStoreService } from '@toolgate/auth';
import { createDeadline } from '@toolgate/core';
import { GoogleAdsClient } from '@toolgate/provider-ads';
import { HttpApiClient } from '@toolgate/provider-http';
import { PipedriveClient } from '@toolgate/provider-pipedrive';

import { startGateway } from './support/gateway';

/**
 * Runs `window` from `beforeApplicationShutdown`: after every `onModuleDestroy` hook, before the HTTP server
 * closes. Requests still being handled then may call any provider client.
 */
@Injectable()
class ShutdownWindow implements BeforeApplicationShutdown {
  window?: () => Promise<void>;

  async beforeApplicationShutdown(): Promise<void> {
    await this.window?.();
  }
}

@Module({ providers: [ShutdownWindow] })
class ShutdownWindowModule {}

/** Answers everything with `{}` (a JWKS with no keys for /jwks) and counts the requests per first segment. */
async function countingUpstream(): Promise<{ server: Server; url: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    const segment = (request.url ?? '/').split('/')[1];
    hits.set(segment, (hits.get(segment) ?? 0) + 1);
    request.resume();
    response.setHeader('content-type', 'application/json');
    response.end(segment === 'jwks' ? '{"keys":[]}' : '{}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe('provider clients during shutdown', () => {
  it('still reach their upstreams after the destroy hooks, until the HTTP server has closed', async () => {
    const upstream = await countingUpstream();
    try {
      const gw = await startGateway({
        imports: [ShutdownWindowModule],
        env: {
          HTTP_PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
          PIPEDRIVE_BASE_URL: `${upstream.url}/pipedrive`,
          GOOGLE_ADS_BASE_URL: `${upstream.url}/ads`,
          JWT_JWKS_URL: `${upstream.url}/jwks/keys.json`,
          JWT_JWKS_COOLDOWN_SEC: '1',
        },
      });
      const app = gw.app;
      const before = new Map(upstream.hits);
      const errors: Record<string, string> = {};
      const attempt = async (name: string, call: () => Promise<unknown>) => {
        // The answer (`{}`) may not be what the client expects: only whether the request left matters.
        await call().catch((error: unknown) => (errors[name] = String((error as Error).cause ?? error)));
      };
      app.get(ShutdownWindow).window = async () => {
        const deadline = () => createDeadline(5_000);
        await attempt('http', () =>
          app
            .get(HttpApiClient, { strict: false })
            .send(
              { method: 'GET', url: `${upstream.url}/http/x`, headers: {} },
              { deadline: deadline(), toolId: 'http:x', requestId: 'window' },
            ),
        );
        await attempt('pipedrive', () =>
          app.get(PipedriveClient, { strict: false }).getDeal(1, { apiToken: 't', deadline: deadline() }),
        );
        await attempt('ads', () =>
          app.get(GoogleAdsClient, { strict: false }).mutateCampaign(
            {
              customerId: '1234567890',
              name: 'window',
              amountMicros: 1_000_000,
              startDate: '2030-01-01',
              channel: 'SEARCH',
              euPolitical: false,
              validateOnly: true,
            },
            { accessToken: 't', deadline: deadline() },
          ),
        );
        await attempt('jwks', () => app.get(KeyStoreService, { strict: false }).resolve('unknown-kid'));
      };
      await new Promise((done) => setTimeout(done, 1_100)); // the JWKS refetch cooldown from boot has passed
      await gw.close();

      const sent = Object.fromEntries(
        ['http', 'pipedrive', 'ads', 'jwks'].map((name) => [
          name,
          (upstream.hits.get(name) ?? 0) - (before.get(name) ?? 0),
        ]),
      );
      expect({ sent, errors }).toMatchObject({ sent: { http: 1, pipedrive: 1, ads: 1, jwks: 1 } });
    } finally {
      await new Promise((done) => upstream.server.close(done));
    }
  });
});
