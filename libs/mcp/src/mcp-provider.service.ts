import { Injectable } from '@nestjs/common';

import {
  type InvocationContext,
  markBeforeUpstream,
  type ProviderDescription,
  type ProviderHealth,
  type ToolDefinition,
  type ToolInput,
  ToolProvider,
  ToolProviderHost,
  UnknownToolException,
} from '@toolgate/core';

import { MCP_PROVIDER_KEY, type McpCallResult } from './mcp-provider.types';
import { parseMcpToolId } from './mcp.types';
import { McpUpstreamsService } from './upstream/mcp-upstreams.service';

/**
 * The `mcp` provider: its tools are not listed here but discovered into the catalog
 * (`mcp.<server>:<tool>`); the executor hands each call to `invoke` with a definition built from the
 * manifest. The upstream's answer (`content`, `structuredContent`, `isError`) is the tool result as is:
 * an upstream `isError` is a successful call whose result says so.
 */
@Injectable()
@ToolProvider({ key: MCP_PROVIDER_KEY, contractVersion: 1 })
export class McpProviderService extends ToolProviderHost {
  constructor(private readonly upstreams: McpUpstreamsService) {
    super();
  }

  describe(): ProviderDescription {
    return {
      key: MCP_PROVIDER_KEY,
      name: 'MCP upstreams',
      description: 'Tools of upstream MCP servers, discovered into the catalog as mcp.<server>:<tool>.',
      contractVersion: 1,
    };
  }

  listTools(): ToolDefinition[] {
    return [];
  }

  async check(): Promise<ProviderHealth> {
    const down = this.upstreams.all().filter(({ status }) => status.state === 'down');
    if (down.length === 0) return { status: 'up' };
    return { status: 'down', detail: `down: ${down.map(({ spec }) => spec.name).join(', ')}` };
  }

  override async invoke(
    tool: ToolDefinition,
    input: ToolInput,
    ctx: InvocationContext,
  ): Promise<McpCallResult> {
    const toolId = tool.toolId ?? ctx.toolId;
    const ref = parseMcpToolId(toolId);
    const upstream = ref ? await this.upstreams.ensure(ref.server) : undefined;
    if (!ref || !upstream) throw new UnknownToolException(MCP_PROVIDER_KEY, toolId);
    // A credential still to come is waited for before anything is sent, until the deadline at most.
    const waiting = this.upstreams.credentialWait(ref.server, toolId, ctx.deadline);
    if (waiting) await waiting.catch(sentNothing);
    const { signal, at } = ctx.deadline;
    const result = await upstream.request(
      toolId,
      (client) =>
        client.callTool({ name: ref.tool, arguments: input }, undefined, {
          signal,
          timeout: Math.max(1, at - Date.now()),
        }),
      signal,
    );
    const used = this.upstreams.credentialOf(ref.server);
    if (used) ctx.reportCredentials?.(used);
    return {
      content: Array.isArray(result.content) ? result.content : [],
      ...(result.structuredContent
        ? { structuredContent: result.structuredContent as Record<string, unknown> }
        : {}),
      ...(result.isError === true ? { isError: true } : {}),
    };
  }
}

/** Rethrows a failure from before the call's upstream request (its credential): the tool did not run. */
function sentNothing(error: unknown): never {
  throw markBeforeUpstream(error);
}
