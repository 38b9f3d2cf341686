import { Agent, request } from 'undici';

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
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_JWKS_BYTES) {
        response.body.destroy();
        throw new Error('JWKS document is larger than 256 KiB');
      }
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
