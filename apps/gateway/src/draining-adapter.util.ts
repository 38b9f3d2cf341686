import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * Nest's Fastify adapter, knowing when the app starts shutting down: Nest calls `beforeClose()` first, before
 * any shutdown hook, and the HTTP server closes only after them. From then on the gateway's `onRequest` hook
 * answers new requests 503 as problem+json (`configureApp`). Nest's own `return503OnClosing` answers with a
 * body of its own, from a hook that runs before the gateway's (no request id, no security headers), and
 * Fastify's own writes raw JSON during `close()`: both stay off.
 */
export class DrainingFastifyAdapter extends FastifyAdapter {
  private closing = false;

  /** True once the app began shutting down. */
  get draining(): boolean {
    return this.closing;
  }

  override beforeClose(): void {
    this.closing = true;
    super.beforeClose();
  }

  override async close(): Promise<void> {
    this.closing = true;
    await super.close();
  }
}
