import { Injectable, Logger } from '@nestjs/common';
import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { mapToProblem, RequestValidationException } from '@toolgate/core';

import { type McpCallContext } from '../mcp-server.types';
import { GovernedCallService } from './governed-call.service';
import { type ConfirmArguments, McpConfirmationService } from './mcp-confirmation.service';
import { errorResult } from './tool-result.util';

const MAX_ID = 200;

/** One `tools/call` over MCP, end to end; failures and refusals come back as tool error results. */
@Injectable()
export class McpToolCallService {
  private readonly logger = new Logger('McpToolCall');

  constructor(
    private readonly calls: GovernedCallService,
    private readonly confirmations: McpConfirmationService,
  ) {}

  async run(ctx: McpCallContext, toolId: string, toolName: string, args: unknown): Promise<CallToolResult> {
    try {
      const authorized = await this.calls.authorize(ctx, toolId, args);
      if (authorized.call.decision.require_confirmation)
        return await this.confirmations.hold(ctx, authorized, toolName);
      return await this.calls.execute(authorized);
    } catch (error) {
      return this.failed(ctx, toolId, error);
    }
  }

  async confirm(ctx: McpCallContext, args: unknown): Promise<CallToolResult> {
    try {
      return await this.confirmations.confirm(ctx, confirmArguments(args));
    } catch (error) {
      return this.failed(ctx, 'toolgate_confirm', error);
    }
  }

  private failed(ctx: McpCallContext, toolId: string, error: unknown): CallToolResult {
    if (mapToProblem(error).unexpected)
      this.logger.error({
        msg: 'MCP tool call failed unexpectedly',
        toolId,
        request_id: ctx.requestId,
        err: error instanceof Error ? error.stack : String(error),
      });
    return errorResult(error);
  }
}

/** Checks `toolgate_confirm` arguments (422 problem as a tool error otherwise). */
function confirmArguments(args: unknown): ConfirmArguments {
  const value = (args ?? {}) as Record<string, unknown>;
  const text = (name: string, required: boolean): string | undefined => {
    const item = value[name];
    if (item === undefined && !required) return undefined;
    if (typeof item !== 'string' || item.length === 0 || item.length > MAX_ID)
      throw invalid(`/${name}`, 'must be a non-empty string of at most 200 characters');
    return item;
  };
  const input = value.arguments;
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input)))
    throw invalid('/arguments', 'must be an object');
  return {
    action_token: text('action_token', true) as string,
    action_id: text('action_id', false),
    tool_id: text('tool_id', false),
    arguments: input as Record<string, unknown> | undefined,
  };
}

const invalid = (pointer: string, detail: string) =>
  new RequestValidationException([{ pointer, detail }], 'Invalid toolgate_confirm arguments.');
