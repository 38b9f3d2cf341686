import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Tool } from '@modelcontextprotocol/sdk/types.js';
import { type HealthIndicatorResult } from '@nestjs/terminus';
import { Agent, fetch as undiciFetch } from 'undici';

import {
  ClientCredentialsSource,
  type ExchangeRequest,
  StaticSecretSource,
  TokenBroker,
  type TokenMeta,
  tokenMetaOf,
} from '@toolgate/broker';
import { CatalogService } from '@toolgate/catalog';
import { createSafeDispatcher, type InvocationDeadline } from '@toolgate/core';
import { HealthContributors } from '@toolgate/observability';

import { McpDiscoveryService } from '../discovery/mcp-discovery.service';
import { type McpConfig, mcpConfig } from '../mcp.config';
import { type McpServerSpec, mcpScope, type McpSyncReport, sameRegistration } from '../mcp.types';
import { McpServerStore } from '../servers/mcp-server-store.service';
import { refusedSecretSource, secretRefusal } from './mcp-secret-policy.util';
import { McpUpstreamClient } from './mcp-upstream.client';

/**
 * Every upstream session of this replica: environment servers and registered ones start at bootstrap in
 * the background (a down upstream never blocks or fails the boot, it shows in `/health` as down); servers
 * registered on another replica are picked up on first use. A server deleted on any replica is dropped
 * here at the next catalog reload (the delete NOTIFYs the catalog channel) and its tools are retired; a
 * session whose registration was replaced (deleted, then registered again under the same name) is
 * dropped the same way and the new registration loaded. A tool list is only published while the
 * session's own registration is the current one. Closed cleanly on shutdown.
 */
@Injectable()
export class McpUpstreamsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('McpUpstreams');
  private readonly clients = new Map<string, McpUpstreamClient>();
  private readonly loading = new Map<string, Promise<McpUpstreamClient | undefined>>();
  /** Moves at every catalog reload: a registration read before it is read again. */
  private generation = 0;
  private reconciling: Promise<void> = Promise.resolve();
  /** What each server's requests last carried (type, scopes, lifetime; never the secret). */
  private readonly credentials = new Map<string, TokenMeta>();
  /** The broker key and request of each server's credential (servers with auth only), built once. */
  private readonly exchanges = new Map<string, { key: string; request: ExchangeRequest }>();
  /** Registered (API) upstreams go through the SSRF guard at every connect. */
  private readonly guarded: Agent;
  /** Environment upstreams were configured by the operator. */
  private readonly trusted: Agent;

  constructor(
    @Inject(mcpConfig.KEY) private readonly config: McpConfig,
    private readonly broker: TokenBroker,
    private readonly discovery: McpDiscoveryService,
    private readonly store: McpServerStore,
    private readonly health: HealthContributors,
    private readonly catalog: CatalogService,
  ) {
    this.guarded = createSafeDispatcher({
      allowedHosts: config.allowedHosts,
      connectTimeoutMs: config.connectTimeoutMs,
    });
    this.trusted = new Agent({ connect: { timeout: config.connectTimeoutMs } });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register('mcp_upstreams', () => this.healthReport());
    this.catalog.onReload(() => this.scheduleReconcile());
    const envNames = new Set(this.config.envServers.map((spec) => spec.name));
    const registered = await this.store.list();
    for (const spec of registered.filter(({ name }) => envNames.has(name)))
      this.logger.warn({ msg: 'registered MCP server shadowed by the environment', server: spec.name });
    for (const spec of [...this.config.envServers, ...registered.filter(({ name }) => !envNames.has(name))])
      this.add(spec);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
    this.clients.clear();
    await Promise.all([this.guarded.close(), this.trusted.close()]).catch(() => undefined);
  }

  /** Starts a session with `spec` (replacing any previous one of that name). */
  add(spec: McpServerSpec): McpUpstreamClient {
    void this.clients.get(spec.name)?.close();
    this.registerCredentials(spec);
    const client: McpUpstreamClient = new McpUpstreamClient(spec, {
      config: this.config,
      fetch: this.fetchFor(spec),
      authorization: () => this.authorization(spec),
      onTools: (_, tools) => this.publish(client, tools),
      logger: this.logger,
    });
    this.clients.set(spec.name, client);
    client.start();
    return client;
  }

  async remove(name: string): Promise<void> {
    const client = this.clients.get(name);
    this.clients.delete(name);
    this.credentials.delete(name);
    this.exchanges.delete(name);
    this.broker.unregister(mcpScope(name));
    await client?.close();
  }

  get(name: string): McpUpstreamClient | undefined {
    return this.clients.get(name);
  }

  /** The credential the requests to `name` last carried, for an answer's `token_meta` (none: undefined). */
  credentialOf(name: string): TokenMeta | undefined {
    return this.credentials.get(name);
  }

  /**
   * Undefined when a call to `name` needs no wait for its credential (none, or one the broker holds); else
   * the wait for it, until the call's `deadline` at most, to await before the call sends anything: past the
   * deadline it rejects with the broker's 504 saying the call had no effect. The SDK asks for the credential
   * at each request, out of reach of the call's deadline: a call that got there waiting for a token request
   * could only answer the deadline's own 504, and send its request once the token came.
   */
  credentialWait(name: string, toolId: string, deadline: InvocationDeadline): Promise<unknown> | undefined {
    const held = this.exchanges.get(name);
    if (!held || this.broker.isCached(held.key, held.request)) return undefined;
    return this.broker.exchange(held.key, { ...held.request, purpose: toolId }, deadline);
  }

  /** The session of `name`, loading a server registered on another replica on first use (once). */
  async ensure(name: string): Promise<McpUpstreamClient | undefined> {
    const held = this.clients.get(name);
    if (held) return held;
    let loading = this.loading.get(name);
    if (!loading) {
      const generation = this.generation;
      loading = this.store
        .find(name)
        // A delete heard meanwhile may postdate that read: read again.
        .then((spec) => (spec && this.generation !== generation ? this.store.find(name) : spec))
        .then((spec) => (spec && !this.clients.has(name) ? this.add(spec) : this.clients.get(name)))
        .finally(() => this.loading.delete(name));
      this.loading.set(name, loading);
    }
    return loading;
  }

  all(): McpUpstreamClient[] {
    return [...this.clients.values()].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  }

  /**
   * For the public `/health`: state and tool count only. Why a server is down (`last_error`) is for the
   * authenticated `/mcp-servers` routes: an upstream's error can name hosts, paths or URLs.
   */
  healthReport(): HealthIndicatorResult {
    const servers = Object.fromEntries(
      this.all().map(({ spec, status }) => [
        spec.name,
        { state: status.state, tool_count: status.tool_count },
      ]),
    );
    const down = this.all().some(({ status }) => status.state === 'down');
    return { mcp_upstreams: { status: down ? 'down' : 'up', servers } };
  }

  /** Hands a tool list to discovery only while `client` is the live session of the current registration. */
  private async publish(client: McpUpstreamClient, tools: Tool[]): Promise<McpSyncReport | undefined> {
    const { name, source } = client.spec;
    if (this.clients.get(name) !== client) return;
    if (source === 'api' && !(await this.isCurrent(client.spec))) {
      // Not awaited: closing waits for this very resync to end.
      this.forget(client).catch((error: unknown) =>
        this.logger.error({ msg: 'closing a stale MCP session failed', server: name, err: String(error) }),
      );
      return;
    }
    return this.clients.get(name) === client ? this.discovery.sync(name, tools) : undefined;
  }

  private scheduleReconcile(): void {
    this.generation += 1;
    this.reconciling = this.reconciling
      .then(() => this.reconcile())
      .catch((error: unknown) =>
        this.logger.error({ msg: 'MCP server reconciliation failed', err: String(error) }),
      );
  }

  /** Drops the sessions of registrations whose row is gone or was replaced (on another replica). */
  private async reconcile(): Promise<void> {
    const held = [...this.clients.values()].filter(({ spec }) => spec.source === 'api');
    if (held.length === 0) return;
    const rows = new Map((await this.store.list()).map((spec) => [spec.name, spec]));
    for (const client of held) {
      const row = rows.get(client.spec.name);
      if (!row || !sameRegistration(client.spec, row)) await this.forget(client);
    }
  }

  private async isCurrent(spec: McpServerSpec): Promise<boolean> {
    const row = await this.store.find(spec.name);
    return row !== undefined && sameRegistration(spec, row);
  }

  /**
   * Closes the session of a deleted or replaced registration. A replacement is loaded (its first resync
   * overwrites whatever a late resync of the old session published); a deleted server's tools are retired
   * (again: a late resync may have published).
   */
  private async forget(client: McpUpstreamClient): Promise<void> {
    const { name } = client.spec;
    if (this.clients.get(name) !== client) return;
    this.logger.warn({ msg: 'MCP server deleted or replaced elsewhere; closing its session', server: name });
    await this.remove(name);
    if (await this.store.find(name)) await this.ensure(name);
    else await this.discovery.retire(name);
  }

  /** undici with the server's dispatcher; redirects are never followed (`cappedFetch` answers 502). */
  private fetchFor(spec: McpServerSpec): FetchLike {
    const dispatcher = spec.source === 'env' ? this.trusted : this.guarded;
    return ((url: string | URL, init?: RequestInit) =>
      undiciFetch(url, { ...(init as object), redirect: 'manual', dispatcher } as Parameters<
        typeof undiciFetch
      >[1])) as unknown as FetchLike;
  }

  /**
   * The broker source of `spec`'s credential. A registered server naming a variable outside `MCP__*` (a
   * row stored before the rule) gets a source that never reads it: the session fails before any request.
   */
  private registerCredentials(spec: McpServerSpec): void {
    const key = mcpScope(spec.name);
    const { auth } = spec;
    const refusal = secretRefusal(spec);
    if (auth.type === 'none') this.exchanges.delete(spec.name);
    else this.exchanges.set(spec.name, { key, request: exchangeRequestOf(spec, key) });
    if (refusal) {
      this.logger.error({ msg: 'MCP server secret refused', server: spec.name, reason: refusal });
      this.broker.register(key, refusedSecretSource(key, refusal));
    } else if (auth.type === 'bearer')
      this.broker.register(key, new StaticSecretSource(key, auth.secret_env));
    else if (auth.type === 'oauth-client-credentials')
      this.broker.register(
        key,
        new ClientCredentialsSource({
          provider: key,
          tokenUrl: auth.token_url,
          clientId: auth.client_id,
          secretEnv: auth.secret_env,
          scopes: auth.scopes,
          // Checked at registration, and again at every connection (DNS may have changed since).
          dispatcher: spec.source === 'env' ? undefined : this.guarded,
        }),
      );
    else this.broker.unregister(key);
  }

  private async authorization(spec: McpServerSpec): Promise<string | undefined> {
    const held = this.exchanges.get(spec.name);
    if (!held) return undefined;
    const credential = await this.broker.exchange(held.key, held.request);
    if (!credential) return undefined;
    this.credentials.set(spec.name, tokenMetaOf(credential));
    return `Bearer ${credential.access_token}`;
  }
}

/** What the broker is asked for `spec`'s credential (the gateway's own, not a caller's). */
function exchangeRequestOf(spec: McpServerSpec, key: string): ExchangeRequest {
  const { auth } = spec;
  return {
    scopes: auth.type === 'oauth-client-credentials' ? (auth.scopes ?? []) : [],
    subject: 'toolgate',
    tenant: 'public',
    purpose: key,
  };
}
