import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/**
 * A local IdP JWKS endpoint on a random port: serves a document, counts requests, can hang (accept and
 * never answer) to simulate a stuck IdP, and stops for an outage.
 */
export class JwksServer {
  requests = 0;
  private hanging = false;
  private readonly stalled: ServerResponse[] = [];

  private constructor(
    private readonly server: Server,
    private document: unknown,
  ) {}

  static async start(document: unknown): Promise<JwksServer> {
    const holder: { instance?: JwksServer } = {};
    const server = createServer((request, response) => holder.instance?.handle(request, response));
    holder.instance = new JwksServer(server, document);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return holder.instance;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  serve(document: unknown): void {
    this.document = document;
    this.hanging = false;
  }

  hang(): void {
    this.hanging = true;
  }

  async stop(): Promise<void> {
    for (const response of this.stalled.splice(0)) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(_request: IncomingMessage, response: ServerResponse): void {
    this.requests += 1;
    if (this.hanging) {
      this.stalled.push(response);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(this.document));
  }
}
