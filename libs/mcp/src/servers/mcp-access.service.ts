import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type GetPromptResult,
  type ListPromptsResult,
  type ListResourcesResult,
  type ListResourceTemplatesResult,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';

import { PUBLIC_TENANT } from '@toolgate/catalog';
import {
  AUDIT_SINK,
  type AuditSink,
  mapToProblem,
  type Principal,
  RequestValidationException,
} from '@toolgate/core';
import { PolicyDeniedException, type PolicyResource, PolicyService } from '@toolgate/policy';

import { McpServerNotFoundException } from '../mcp.exception';
import { mcpScope } from '../mcp.types';
import { type McpUpstreamClient } from '../upstream/mcp-upstream.client';
import { McpUpstreamsService } from '../upstream/mcp-upstreams.service';

/** Policy actions of upstream resources and prompts (resource `{ server, tenant, required_scopes }`). */
export const MCP_ACTIONS = {
  connect: 'mcp.servers:connect',
  listResources: 'mcp.resources:list',
  readResource: 'mcp.resources:read',
  listPrompts: 'mcp.prompts:list',
  getPrompt: 'mcp.prompts:get',
} as const;

/** The policy resource of upstream `server`: shared (`public`), needs the scope `mcp.<server>`. */
export function mcpServerResource(server: string): PolicyResource {
  return { server, tenant: PUBLIC_TENANT, provider_id: 'mcp', required_scopes: [mcpScope(server)] };
}

export interface AccessContext {
  principal: Principal;
  requestId?: string;
}

/**
 * Governed access to an upstream's resources and prompts, for the REST routes and `/mcp/{server}` alike:
 * the policy decides each action (403 naming the rule or the missing scope `mcp.<server>`), the upstream
 * answers through the gateway's own session and credentials, and every access (denials included) is audited.
 */
@Injectable()
export class McpAccessService {
  private readonly logger = new Logger('McpAccess');

  constructor(
    private readonly upstreams: McpUpstreamsService,
    private readonly policy: PolicyService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  /** Throws 403 unless `action` is allowed on `server` (denials are audited). */
  async authorize(ctx: AccessContext, action: string, server: string): Promise<void> {
    const decision = this.policy.decide(ctx.principal, action, mcpServerResource(server));
    if (decision.allowed) return;
    await this.record(ctx, action, server, '403', { denied_by: decision.denied_by });
    throw new PolicyDeniedException(action, decision);
  }

  async listResources(ctx: AccessContext, server: string, cursor?: string) {
    return this.run(ctx, MCP_ACTIONS.listResources, server, {}, async (client, upstream) => {
      if (!client.getServerCapabilities()?.resources) return { resources: [], resourceTemplates: [] };
      const params = cursor ? { cursor } : undefined;
      const resources: ListResourcesResult = await client.listResources(params, upstream.timeouts());
      const templates: ListResourceTemplatesResult = cursor
        ? { resourceTemplates: [] }
        : await client.listResourceTemplates(undefined, upstream.timeouts());
      return { ...resources, resourceTemplates: templates.resourceTemplates };
    });
  }

  async listResourceTemplates(
    ctx: AccessContext,
    server: string,
    cursor?: string,
  ): Promise<ListResourceTemplatesResult> {
    return this.run(ctx, MCP_ACTIONS.listResources, server, {}, async (client, upstream) =>
      client.getServerCapabilities()?.resources
        ? client.listResourceTemplates(cursor ? { cursor } : undefined, upstream.timeouts())
        : { resourceTemplates: [] },
    );
  }

  async readResource(ctx: AccessContext, server: string, uri: string): Promise<ReadResourceResult> {
    return this.run(ctx, MCP_ACTIONS.readResource, server, { uri }, (client, upstream) =>
      client.readResource({ uri }, upstream.timeouts()),
    );
  }

  async listPrompts(ctx: AccessContext, server: string, cursor?: string): Promise<ListPromptsResult> {
    return this.run(ctx, MCP_ACTIONS.listPrompts, server, {}, async (client, upstream) =>
      client.getServerCapabilities()?.prompts
        ? client.listPrompts(cursor ? { cursor } : undefined, upstream.timeouts())
        : { prompts: [] },
    );
  }

  async getPrompt(
    ctx: AccessContext,
    server: string,
    name: string,
    args: Record<string, string> = {},
  ): Promise<GetPromptResult> {
    return this.run(ctx, MCP_ACTIONS.getPrompt, server, { prompt: name }, (client, upstream) => {
      assertPromptArguments(args);
      return client.getPrompt({ name, arguments: args }, upstream.timeouts());
    });
  }

  private async run<T>(
    ctx: AccessContext,
    action: string,
    server: string,
    details: Record<string, unknown>,
    work: (client: Client, upstream: McpUpstreamClient) => Promise<T>,
  ): Promise<T> {
    await this.authorize(ctx, action, server);
    const upstream = await this.upstreams.ensure(server);
    if (!upstream) throw new McpServerNotFoundException(server);
    try {
      const result = await upstream.request(action, (client) => work(client, upstream));
      await this.record(ctx, action, server, 'ok', details);
      return result;
    } catch (error) {
      await this.record(ctx, action, server, String(mapToProblem(error).status), details);
      throw error;
    }
  }

  private async record(
    ctx: AccessContext,
    action: string,
    server: string,
    status: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audit
      ?.record({
        event: action,
        tenant: ctx.principal.tenant,
        subject: ctx.principal.subject,
        decision: status === '403' ? 'deny' : 'allow',
        status,
        request_id: ctx.requestId,
        details: { server, ...details },
      })
      .catch((error: unknown) =>
        this.logger.error({ msg: 'audit of MCP access failed', action, err: String(error) }),
      );
  }
}

/** Prompt arguments are strings (MCP); at most 100 of them. */
function assertPromptArguments(args: Record<string, unknown>): void {
  const entries = Object.entries(args);
  const problems = entries
    .filter(([, value]) => typeof value !== 'string' || value.length > 10_000)
    .map(([name]) => ({
      pointer: `/arguments/${name}`,
      detail: 'must be a string of at most 10000 characters',
    }));
  if (entries.length > 100) problems.push({ pointer: '/arguments', detail: 'must have at most 100 members' });
  if (problems.length > 0) throw new RequestValidationException(problems, 'Invalid prompt arguments.');
}
