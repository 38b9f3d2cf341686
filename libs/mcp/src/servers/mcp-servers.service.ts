import { Inject, Injectable, Logger, Optional } from '@nestjs/common';

import { PUBLIC_TENANT } from '@toolgate/catalog';
import {
  assertSafeUrl,
  AUDIT_SINK,
  type AuditSink,
  escapePointerSegment,
  type Principal,
  type ProblemViolation,
  UnsafeUrlException,
} from '@toolgate/core';

import { McpDiscoveryService } from '../discovery/mcp-discovery.service';
import { McpToolStore } from '../discovery/mcp-tool-store.service';
import { type McpServerDetailDto, type McpServerDto, type McpToolStateDto } from '../dto/mcp-server.dto';
import { type RegisterMcpServerDto } from '../dto/register-mcp-server.dto';
import { type ApproveMcpToolDto } from '../dto/mcp-upstream.dto';
import { type McpConfig, mcpConfig } from '../mcp.config';
import {
  InvalidMcpServerException,
  McpApprovalConflictException,
  McpEnvServerReadOnlyException,
  McpServerExistsException,
  McpServerNotFoundException,
  McpTenantForbiddenException,
  McpToolNotFoundException,
} from '../mcp.exception';
import { type McpAuthSpec, type McpServerSpec } from '../mcp.types';
import { checkStdioLaunch } from '../upstream/mcp-stdio-policy.util';
import { McpUpstreamsService } from '../upstream/mcp-upstreams.service';
import { McpServerStore } from './mcp-server-store.service';
import { detailView, serverView, toolView } from './mcp-server-view.util';

const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
/** Variables a server's `env` may set. */
const MAX_ENV = 50;
const TAG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Platform-admin use cases of `/mcp-servers`: register (validated: stdio allow-list, SSRF guard, secret
 * references only), list, inspect, delete, refresh, approve a drifted tool. Upstreams are shared by every
 * tenant, so changes are reserved to platform admins of `public`.
 */
@Injectable()
export class McpServersService {
  private readonly logger = new Logger('McpServers');

  constructor(
    @Inject(mcpConfig.KEY) private readonly config: McpConfig,
    private readonly store: McpServerStore,
    private readonly tools: McpToolStore,
    private readonly upstreams: McpUpstreamsService,
    private readonly discovery: McpDiscoveryService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async list(): Promise<McpServerDto[]> {
    const held = new Map(this.upstreams.all().map((client) => [client.spec.name, client]));
    const specs = new Map(
      [...(await this.store.list()), ...this.config.envServers].map((spec) => [spec.name, spec]),
    );
    return [...specs.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((spec) => serverView(spec, held.get(spec.name)?.status));
  }

  async get(name: string): Promise<McpServerDetailDto> {
    const client = await this.upstreams.ensure(name);
    if (!client) throw new McpServerNotFoundException(name);
    return detailView(client.spec, client.status, await this.tools.forServer(name));
  }

  async register(principal: Principal, body: RegisterMcpServerDto): Promise<McpServerDto> {
    assertPlatformTenant(principal);
    if (this.config.envServers.some(({ name }) => name === body.name))
      throw new McpServerExistsException(body.name, 'env');
    const spec = await this.store.insert(await this.check(body), principal.subject);
    const client = this.upstreams.add(spec);
    await this.record('mcp.server.registered', principal, spec.name, { transport: spec.transport });
    return serverView(spec, client.status);
  }

  async remove(principal: Principal, name: string): Promise<void> {
    assertPlatformTenant(principal);
    if (this.config.envServers.some((spec) => spec.name === name))
      throw new McpEnvServerReadOnlyException(name);
    if (!(await this.store.delete(name))) throw new McpServerNotFoundException(name);
    await this.upstreams.remove(name);
    await this.discovery.retire(name);
    await this.record('mcp.server.deleted', principal, name, {});
  }

  /** Reconnects if needed and lists the tools again; answers the status after the attempt. */
  async refresh(principal: Principal, name: string): Promise<McpServerDetailDto> {
    assertPlatformTenant(principal);
    const client = await this.upstreams.ensure(name);
    if (!client) throw new McpServerNotFoundException(name);
    await client.resync();
    await this.record('mcp.server.refreshed', principal, name, { state: client.status.state });
    return detailView(client.spec, client.status, await this.tools.forServer(name));
  }

  async approve(
    principal: Principal,
    name: string,
    tool: string,
    body: ApproveMcpToolDto,
  ): Promise<McpToolStateDto> {
    assertPlatformTenant(principal);
    const row = await this.tools.find(name, tool);
    if (!row) throw new McpToolNotFoundException(name, tool);
    if (row.status === 'removed')
      throw new McpApprovalConflictException(`Tool ${tool} is no longer listed upstream.`);
    if (body.hash !== undefined && body.hash !== row.currentHash)
      throw new McpApprovalConflictException(
        `Tool ${tool} changed again upstream; review definition_hash ${row.currentHash}.`,
      );
    const tags = body.safety_tags ?? [];
    const bad = tags.findIndex((tag) => !TAG.test(tag));
    if (bad >= 0)
      throw new InvalidMcpServerException([{ pointer: `/safety_tags/${bad}`, detail: 'must be a tag' }]);
    return toolView(await this.discovery.approve(row, principal, tags));
  }

  private async check(body: RegisterMcpServerDto): Promise<McpServerSpec> {
    const problems: ProblemViolation[] = [];
    const env = body.env ?? {};
    const entries = Object.entries(env);
    // Refused whole: a flood of variables is not worth a violation each.
    if (entries.length > MAX_ENV)
      throw new InvalidMcpServerException([
        { pointer: '/env', detail: `must have at most ${MAX_ENV} variables` },
      ]);
    for (const [key, value] of entries) {
      const pointer = `/env/${escapePointerSegment(key)}`;
      if (!ENV_NAME.test(key)) problems.push({ pointer, detail: 'must be a variable name' });
      if (typeof value !== 'string' || value.length > 4096)
        problems.push({ pointer, detail: 'must be a string of at most 4096 characters' });
    }
    const stdio = body.transport === 'stdio';
    const launch = stdio
      ? checkStdioLaunch(body.command ?? '', body.args ?? [], env, this.config.stdio)
      : undefined;
    if (launch) problems.push(...launch.problems);
    if (problems.length > 0) throw new InvalidMcpServerException(problems);
    const guard = { allowedHosts: this.config.allowedHosts };
    if (!stdio) await assertSafeUrl(body.url ?? '', guard);
    const auth = authSpec(body);
    if (auth.type === 'oauth-client-credentials')
      await assertSafeUrl(auth.token_url, guard).catch(atPointer('/auth/token_url'));
    return {
      name: body.name,
      source: 'api',
      transport: body.transport,
      // The resolved executable is stored: a later change of the gateway's PATH cannot swap it.
      ...(launch ? { command: launch.command } : { url: body.url }),
      args: stdio ? (body.args ?? []) : [],
      env: stdio ? env : {},
      auth,
    };
  }

  private async record(
    event: string,
    principal: Principal,
    server: string,
    details: Record<string, unknown>,
  ) {
    await this.audit
      ?.record({
        event,
        tenant: principal.tenant,
        subject: principal.subject,
        status: 'ok',
        details: { server, ...details },
      })
      .catch((error: unknown) =>
        this.logger.error({ msg: 'audit of MCP server change failed', event, err: String(error) }),
      );
  }
}

function assertPlatformTenant(principal: Principal): void {
  if (principal.tenant !== PUBLIC_TENANT) throw new McpTenantForbiddenException();
}

function authSpec(body: RegisterMcpServerDto): McpAuthSpec {
  const auth = body.auth;
  if (!auth || auth.type === 'none') return { type: 'none' };
  if (auth.type === 'bearer') return { type: 'bearer', secret_env: auth.secret_env ?? '' };
  return {
    type: 'oauth-client-credentials',
    token_url: auth.token_url ?? '',
    client_id: auth.client_id ?? '',
    secret_env: auth.secret_env ?? '',
    ...(auth.scopes ? { scopes: auth.scopes } : {}),
  };
}

function atPointer(pointer: string) {
  return (error: unknown): never => {
    if (error instanceof UnsafeUrlException) throw new UnsafeUrlException(error.reason, pointer);
    throw error;
  };
}
