import { Agent, request } from 'undici';

import { readBody } from '@toolgate/core';

const MAX_JWKS_BYTES = 256 * 1024;

/**
 * Fetches the IdP's JWKS document over one keep-alive pool. Every call is bounded by `timeoutMs` end to
 * end (connect, headers and body), follows no redirect and refuses bodies over 256 KiB.
 */
export class JwksClient {
  private readonly agent: Agent;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({
      connect: { timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  async fetch(): Promise<unknown> {
    const response = await request(this.url, {
      method: 'GET',
      dispatcher: this.agent,
      headers: { accept: 'application/json, application/jwk-set+json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`JWKS endpoint answered ${response.statusCode}`);
    }
    return JSON.parse(
      await readBody(response.body, MAX_JWKS_BYTES, response.headers['content-length']),
    ) as unknown;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
