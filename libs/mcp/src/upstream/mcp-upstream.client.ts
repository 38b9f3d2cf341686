import { type Logger } from '@nestjs/common';
import { type Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Tool } from '@modelcontextprotocol/sdk/types.js';

import { ProviderUpstreamException } from '@toolgate/core';

import { type McpConfig } from '../mcp.config';
import { MCP_PROVIDER_KEY } from '../mcp-provider.types';
import { type McpServerSpec, type McpServerStatus, type McpSyncReport } from '../mcp.types';
import { describeError, isSessionGone, isTransportFailure, toUpstreamError } from './mcp-errors.util';
import { McpRetry } from './mcp-retry.util';
import { listTools, newSdkClient, untilAborted } from './mcp-session.util';
import { createTransport } from './mcp-transport.util';

export interface UpstreamDeps {
  config: McpConfig;
  fetch: FetchLike;
  authorization: () => Promise<string | undefined>;
  /**
   * After each (re)connect and on `notifications/tools/list_changed`, with the upstream's tool list (no more
   * than one past `MCP_MAX_TOOLS_PER_SERVER`); answers what discovery made of it, if it ran.
   */
  onTools: (spec: McpServerSpec, tools: Tool[]) => Promise<McpSyncReport | void>;
  logger: Logger;
}

/**
 * One long-lived session with one upstream. Connects in the background (initialize + paginated
 * `tools/list`), retries with exponential backoff (`McpRetry`), reconnects the same way when the session
 * drops, and resyncs the tools on `list_changed`. Failures count until a listing reaches discovery; a
 * listing that fails on a live session (answer refused, JSON-RPC error) is retried on it the same way. A
 * request while down tries one immediate reconnect before failing with 502.
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
  private readonly retry: McpRetry;
  private pinger?: NodeJS.Timeout;
  private closed = false;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    readonly spec: McpServerSpec,
    private readonly deps: UpstreamDeps,
  ) {
    const spent = (retries: number) =>
      deps.logger.warn({
        msg: `MCP discovery failed after ${retries} retries; retrying in the background`,
        server: spec.name,
        err: this.status.last_error,
      });
    this.retry = new McpRetry(deps.config, () => this.attempt(), spent);
  }

  /** Starts connecting in the background; never throws, never blocks the caller. */
  start(): void {
    this.retry.at(0);
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

  /**
   * Re-reads the tool list and hands it to discovery (serialised: one resync at a time). Never rejects: a
   * failure is kept in `status.last_error` (as are tools discovery skipped). Once closed, nothing more
   * reaches discovery.
   */
  resync(): Promise<void> {
    this.syncing = this.syncing
      .then(async () => {
        if (this.closed) return;
        const tools = await this.request('tools/list', (client) =>
          listTools(client, this.deps.config.maxToolsPerServer, this.timeouts()),
        );
        if (this.closed) return;
        this.synced(tools, await this.deps.onTools(this.spec, tools));
      })
      .catch((error: unknown) => this.syncFailed(error));
    return this.syncing;
  }

  /**
   * Ends the session, aborting a connection in progress (a resync waiting for it ends at once); resolves
   * once a resync already handing tools to discovery has finished.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    this.retry.stop();
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
      return await untilAborted(this.opening, this.stopping.signal, () => this.removed());
    } catch (error) {
      throw toUpstreamError(error, this.spec.name, 'connect', signal);
    }
  }

  private removed(): ProviderUpstreamException {
    return new ProviderUpstreamException(MCP_PROVIDER_KEY, `MCP server ${this.spec.name} was removed.`);
  }

  private async open(): Promise<Client> {
    // A known-down upstream stays `down` (health) while we try again.
    if (this.status.state !== 'down') this.status.state = 'connecting';
    const client = newSdkClient(() => void this.resync());
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
    this.connected(client);
    return client;
  }

  private connected(client: Client): void {
    client.onclose = () => this.lost(client, 'connection closed');
    client.onerror = () => this.probeSoon(client);
    this.client = client;
    // Whatever was due (a reconnect) is done; the resync below schedules its own retry if it fails.
    this.retry.cancel();
    this.status.state = 'up';
    this.status.last_error = null;
    const info = client.getServerVersion();
    this.status.server_info = info ? { name: info.name, version: info.version } : null;
    const { name: server, transport } = this.spec;
    this.deps.logger.log({ msg: 'MCP upstream connected', server, transport });
    void this.resync();
    this.startPing(client);
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
    this.retry.failed();
  }

  /** A listing reached discovery: the failures are forgotten. */
  private synced(tools: Tool[], report: McpSyncReport | void): void {
    this.retry.succeeded();
    this.status.tool_count = report ? report.tools : tools.length;
    this.status.last_discovery_at = new Date().toISOString();
    this.status.last_error = report && report.problems.length > 0 ? report.problems.join('; ') : null;
  }

  private syncFailed(error: unknown): void {
    if (this.closed) return;
    this.status.last_error = `discovery failed: ${describeError(error)}`;
    this.deps.logger.warn({ msg: 'MCP discovery failed', server: this.spec.name, err: describeError(error) });
    // A lost session reconnects on its own (and lists then); a live one lists again later.
    if (this.client) this.retry.failed();
  }

  private markDown(error: unknown): void {
    this.status.state = 'down';
    this.status.last_error = typeof error === 'string' ? error : describeError(error);
  }

  /** The attempt due after a failure: list again on a live session, else connect (which lists). */
  private attempt(): void {
    if (this.closed) return;
    if (this.client) return void this.resync();
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    this.opening.catch(() => this.retry.failed());
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
