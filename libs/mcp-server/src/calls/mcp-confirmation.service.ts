import { Injectable, Logger } from '@nestjs/common';
import { type CallToolResult, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';

import { ConfirmationService, type HeldAction } from '@toolgate/confirmation';
import { RequestValidationException } from '@toolgate/core';

import { McpConfirmationDeclinedException } from '../mcp-server.exception';
import { type McpCallContext } from '../mcp-server.types';
import { summarizeArguments } from './argument-summary.util';
import { type AuthorizedCall, GovernedCallService } from './governed-call.service';
import { errorResult } from './tool-result.util';
import { CONFIRM_TOOL } from './tool-name.util';

const MAX_ELICIT_MS = 10 * 60_000;

/** What `toolgate_confirm` receives. */
export interface ConfirmArguments {
  action_id?: string;
  action_token: string;
  /** Needed only when the call was held in another session: the tool id and the same arguments. */
  tool_id?: string;
  arguments?: Record<string, unknown>;
}

/**
 * Confirmation over MCP, on the confirmation lib's pending actions (same tokens, expiry, approvals and
 * audit as REST). A call that needs confirmation is held; when the client declared elicitation (and no
 * approval by someone else is needed) the user is asked with `elicitation/create` and the call runs on
 * accept; otherwise the result is a tool error carrying `action_id`, `action_token` and `expires_at`, to
 * be confirmed with `toolgate_confirm`.
 */
@Injectable()
export class McpConfirmationService {
  private readonly logger = new Logger('McpConfirmation');

  constructor(
    private readonly calls: GovernedCallService,
    private readonly confirmation: ConfirmationService,
  ) {}

  async hold(ctx: McpCallContext, authorized: AuthorizedCall, toolName: string): Promise<CallToolResult> {
    const { call, manifest } = authorized;
    const held = await this.confirmation.hold({
      principal: call.principal,
      toolId: call.toolId,
      manifestVersion: call.manifestVersion,
      input: call.input,
      sensitiveFields: call.sensitiveFields,
      decision: call.decision,
      correlationId: call.correlationId,
      requestId: call.requestId,
    });
    const expiresAt = Date.parse(held.expires_at);
    ctx.held.remember(held.action_id, { toolId: call.toolId, input: call.input, expiresAt });
    if (!ctx.elicit || held.requires_approval) return heldResult(held, call.toolId, toolName);
    const summary = summarizeArguments(call.input, call.sensitiveFields);
    let answer: ElicitResult;
    try {
      answer = await ctx.elicit(
        {
          message:
            `Confirm ${manifest.name} (${call.toolId}) with ${summary}. ` +
            `Tags: ${manifest.safety_tags.join(', ') || 'none'}. This request expires at ${held.expires_at}.`,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Run this call', default: false } },
            required: ['confirm'],
          },
        },
        Math.min(Math.max(1_000, expiresAt - Date.now()), MAX_ELICIT_MS),
      );
    } catch (error) {
      this.logger.warn({
        msg: 'elicitation failed: answering with the action token',
        request_id: call.requestId,
        err: String(error),
      });
      return heldResult(held, call.toolId, toolName);
    }
    // Only an explicit `confirm: true` runs the call: `accept` without content (or without the box ticked)
    // is no consent.
    if (answer.action !== 'accept' || answer.content?.confirm !== true) {
      ctx.held.forget(held.action_id);
      return errorResult(
        new McpConfirmationDeclinedException(
          held.action_id,
          answer.action === 'accept' ? 'not confirmed' : answer.action,
        ),
      );
    }
    return this.confirm(ctx, { action_id: held.action_id, action_token: held.action_token });
  }

  /** `toolgate_confirm`: re-authorizes the caller, consumes the action once, runs the call. */
  async confirm(ctx: McpCallContext, args: ConfirmArguments): Promise<CallToolResult> {
    const remembered = args.action_id ? ctx.held.get(args.action_id) : undefined;
    const toolId = remembered?.toolId ?? args.tool_id;
    const input = remembered?.input ?? args.arguments ?? {};
    if (!toolId)
      throw new RequestValidationException(
        [
          {
            pointer: '/tool_id',
            detail: 'is required for an action not held in this session (with the same arguments)',
          },
        ],
        'Unknown action in this session.',
      );
    const authorized = await this.calls.authorize(ctx, toolId, input);
    const { call, manifest } = authorized;
    const action = await this.confirmation.consume({
      principal: call.principal,
      toolId,
      actionToken: args.action_token,
      input: call.input,
      manifestVersion: manifest.version,
      decision: call.decision,
      requestId: call.requestId,
      sensitiveFields: call.sensitiveFields,
    });
    if (args.action_id) ctx.held.forget(args.action_id);
    return this.calls.execute({ manifest, call: { ...call, correlationId: action.correlationId } });
  }
}

function heldResult(held: HeldAction, toolId: string, toolName: string): CallToolResult {
  const next = held.requires_approval
    ? `Another person must approve action ${held.action_id} first; then call ${CONFIRM_TOOL}.`
    : `Call ${CONFIRM_TOOL} with action_id and action_token to run it.`;
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: `${toolName} needs confirmation and did not run. ${next} The request expires at ${held.expires_at}.`,
      },
    ],
    structuredContent: {
      ...held,
      code: 'CONFIRMATION.REQUIRED',
      tool_id: toolId,
      confirm_with: CONFIRM_TOOL,
    },
  };
}
