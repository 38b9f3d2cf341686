import { type Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Tool } from '@modelcontextprotocol/sdk/types.js';

import { ProviderUpstreamException } from '@toolgate/core';

import { type McpConfig } from '../mcp.config';
import { MCP_PROVIDER_KEY } from '../mcp-provider.types';
import { type McpServerSpec, type McpServerStatus } from '../mcp.types';
import { describeError, isSessionGone, isTransportFailure, toUpstreamError } from './mcp-errors.util';
import { createTransport } from './mcp-transport.util';

const CLIENT_INFO = { name: 'toolgate', version: '0.1.0' };
const MAX_PAGES = 50;

export interface UpstreamDeps {
  config: McpConfig;
  fetch: FetchLike;
  authorization: () => Promise<string | undefined>;
  /** After each (re)connect and on `notifications/tools/list_changed`, with the upstream's full tool list. */
  onTools: (spec: McpServerSpec, tools: Tool[]) => Promise<void>;
  logger: Logger;
}

/**
 * One long-lived session with one upstream. Connects in the background (initialize + paginated
 * `tools/list`), retries with exponential backoff (`MCP_DISCOVERY_BACKOFF_MS` doubling, capped at
 * `MCP_RECONNECT_MAX_MS`), reconnects the same way when the session drops, and resyncs the tools on
 * `list_changed`. A request while down tries one immediate reconnect before failing with 502.
 */
export class McpUpstreamClient {
  readonly status: McpServerStatus = {
    state: 'connecting',
    tool_count: 0,
    last_discovery_at: null,
    last_error: null,
    server_info: null,
  };
  private client?: Client;
  /** The session being connected (initialize in flight): closing aborts it. */
  private connecting?: Client;
  private opening?: Promise<Client>;
  /** Aborted by `close()`: whoever waits for a session stops waiting at once. */
  private readonly stopping = new AbortController();
  private timer?: NodeJS.Timeout;
  private pinger?: NodeJS.Timeout;
  private failures = 0;
  private closed = false;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    readonly spec: McpServerSpec,
    private readonly deps: UpstreamDeps,
  ) {}

  /** Starts connecting in the background; never throws, never blocks the caller. */
  start(): void {
    this.schedule(0);
  }

  /** Runs `run` on a connected session; a session the upstream forgot (restart) is renewed once. */
  async request<T>(what: string, run: (client: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let client = await this.session(signal);
    try {
      return await run(client);
    } catch (error) {
      if (!isSessionGone(error)) throw this.failed(error, what, signal);
      this.lost(client, 'session expired upstream');
      client = await this.session(signal);
      return run(client).catch((retryError: unknown) => {
        throw this.failed(retryError, what, signal);
      });
    }
  }

  /** Every tool of the upstream (`tools/list`, all pages). */
  async listTools(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await client.listTools(cursor ? { cursor } : undefined, this.timeouts());
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  /**
   * Re-reads the tool list and hands it to discovery (serialised: one resync at a time). Never rejects: a
   * failure is kept in `status.last_error`. Once closed, nothing more reaches discovery.
   */
  resync(): Promise<void> {
    this.syncing = this.syncing
      .then(async () => {
        if (this.closed) return;
        const tools = await this.request('tools/list', (client) => this.listTools(client));
        if (this.closed) return;
        await this.deps.onTools(this.spec, tools);
        this.status.tool_count = tools.length;
        this.status.last_discovery_at = new Date().toISOString();
      })
      .catch((error: unknown) => {
        if (this.closed) return;
        this.status.last_error = `discovery failed: ${describeError(error)}`;
        this.deps.logger.warn({
          msg: 'MCP discovery failed',
          server: this.spec.name,
          err: describeError(error),
        });
      });
    return this.syncing;
  }

  /**
   * Ends the session, aborting a connection in progress (a resync waiting for it ends at once); resolves
   * once a resync already handing tools to discovery has finished.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    const sessions = [this.client, this.connecting];
    this.client = undefined;
    this.status.state = 'closed';
    await Promise.all(sessions.map((session) => session?.close().catch(() => undefined)));
    await this.syncing;
  }

  timeouts(signal?: AbortSignal) {
    return { timeout: this.deps.config.connectTimeoutMs, ...(signal ? { signal } : {}) };
  }

  private async session(signal?: AbortSignal): Promise<Client> {
    if (this.client) return this.client;
    if (this.closed) throw this.removed();
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    try {
      return await this.untilClosed(this.opening);
    } catch (error) {
      throw toUpstreamError(error, this.spec.name, 'connect', signal);
    }
  }

  /** `work`, or the "removed" error as soon as the session is closed (a connect may still be unwinding). */
  private untilClosed<T>(work: Promise<T>): Promise<T> {
    const { signal } = this.stopping;
    return new Promise<T>((resolve, reject) => {
      const stop = () => reject(this.removed());
      signal.addEventListener('abort', stop, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
    });
  }

  private removed(): ProviderUpstreamException {
    return new ProviderUpstreamException(MCP_PROVIDER_KEY, `MCP server ${this.spec.name} was removed.`);
  }

  private async open(): Promise<Client> {
    // A known-down upstream stays `down` (health) while we try again.
    if (this.status.state !== 'down') this.status.state = 'connecting';
    const client = new Client(CLIENT_INFO, {
      capabilities: {},
      listChanged: { tools: { autoRefresh: false, debounceMs: 100, onChanged: () => void this.resync() } },
    });
    this.connecting = client;
    try {
      const transport = createTransport(this.spec, {
        fetch: this.deps.fetch,
        authorization: this.deps.authorization,
        stdio: this.deps.config.stdio,
        maxResponseBytes: this.deps.config.maxResponseBytes,
        onStreamTooLarge: () => this.lost(client, 'an upstream event was larger than MCP_MAX_RESPONSE_BYTES'),
        onStderr: (line) => this.deps.logger.debug({ msg: 'MCP stdio stderr', server: this.spec.name, line }),
      });
      await client.connect(transport, { timeout: this.deps.config.connectTimeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      if (this.closed) throw this.removed();
      this.markDown(error);
      throw error;
    } finally {
      if (this.connecting === client) this.connecting = undefined;
    }
    if (this.closed) {
      // Closed while connecting (server deleted): the new session (or stdio child) must not outlive it.
      await client.close().catch(() => undefined);
      throw this.removed();
    }
    client.onclose = () => this.lost(client, 'connection closed');
    client.onerror = () => this.probeSoon(client);
    this.client = client;
    this.failures = 0;
    this.status.state = 'up';
    this.status.last_error = null;
    const info = client.getServerVersion();
    this.status.server_info = info ? { name: info.name, version: info.version } : null;
    this.deps.logger.log({
      msg: 'MCP upstream connected',
      server: this.spec.name,
      transport: this.spec.transport,
    });
    void this.resync();
    this.startPing(client);
    return client;
  }

  private failed(error: unknown, what: string, signal?: AbortSignal) {
    if (isTransportFailure(error) && !signal?.aborted && this.client)
      this.lost(this.client, describeError(error));
    return toUpstreamError(error, this.spec.name, what, signal);
  }

  private lost(client: Client, reason: string): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    clearInterval(this.pinger);
    this.markDown(reason);
    this.deps.logger.warn({ msg: 'MCP upstream lost', server: this.spec.name, reason });
    client.onclose = undefined;
    void client.close().catch(() => undefined);
    this.schedule(this.deps.config.discoveryBackoffMs);
  }

  private markDown(error: unknown): void {
    this.status.state = 'down';
    this.status.last_error = typeof error === 'string' ? error : describeError(error);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => {
      if (this.client || this.closed) return;
      this.opening ??= this.open().finally(() => (this.opening = undefined));
      this.opening.catch(() => this.retryLater());
    }, delayMs);
    this.timer.unref();
  }

  private retryLater(): void {
    this.failures += 1;
    const { discoveryRetries, discoveryBackoffMs, reconnectMaxMs } = this.deps.config;
    if (this.failures === discoveryRetries + 1) {
      this.deps.logger.warn({
        msg: `MCP discovery failed after ${discoveryRetries} retries; reconnecting in the background`,
        server: this.spec.name,
        err: this.status.last_error,
      });
    }
    this.schedule(Math.min(discoveryBackoffMs * 2 ** (this.failures - 1), reconnectMaxMs));
  }

  private startPing(client: Client): void {
    clearInterval(this.pinger);
    if (this.deps.config.pingIntervalMs <= 0) return;
    this.pinger = setInterval(() => this.probeSoon(client), this.deps.config.pingIntervalMs);
    this.pinger.unref();
  }

  /** Pings the upstream; a connection failure marks it down (a JSON-RPC error still proves it alive). */
  private probeSoon(client: Client): void {
    if (this.client !== client) return;
    client.ping(this.timeouts()).catch((error: unknown) => {
      if (isTransportFailure(error)) this.lost(client, describeError(error));
    });
  }
}
