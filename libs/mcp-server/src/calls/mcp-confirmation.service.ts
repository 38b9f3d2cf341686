import { Injectable, Logger } from '@nestjs/common';
import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { ActionsService, ConfirmationService, type HeldAction } from '@toolgate/confirmation';
import { type Principal, RequestValidationException } from '@toolgate/core';

import { McpAnswerRefusedException, McpConfirmationDeclinedException } from '../mcp-server.exception';
import { type ElicitAnswer, type McpCallContext, type McpRequestContext } from '../mcp-server.types';
import { summarizeArguments } from './argument-summary.util';
import { type AuthorizedCall, GovernedCallService } from './governed-call.service';
import { heldResult, stillHeldResult } from './held-result.util';
import { errorResult } from './tool-result.util';

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
 * accept, re-checked under the principal of the request that carried the answer; otherwise the result is a
 * tool error carrying `action_id`, `action_token` and `expires_at`, to be confirmed with `toolgate_confirm`.
 */
@Injectable()
export class McpConfirmationService {
  private readonly logger = new Logger('McpConfirmation');

  constructor(
    private readonly calls: GovernedCallService,
    private readonly confirmation: ConfirmationService,
    private readonly actions: ActionsService,
  ) {}

  async hold(ctx: McpCallContext, authorized: AuthorizedCall, toolName: string): Promise<CallToolResult> {
    const { call } = authorized;
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
    ctx.held.remember(held.action_id, {
      toolId: call.toolId,
      input: call.input,
      expiresAt: Date.parse(held.expires_at),
    });
    if (!ctx.elicit || held.requires_approval) return heldResult(held, call.toolId, toolName);
    const answer = await this.ask(ctx, authorized, held);
    if (!answer) return heldResult(held, call.toolId, toolName);
    // Only an explicit `confirm: true` runs the call: `accept` without content (or without the box ticked)
    // is no consent.
    const { result } = answer;
    if (result.action !== 'accept' || result.content?.confirm !== true) {
      ctx.held.forget(held.action_id);
      await this.withdraw(ctx, held);
      const said = result.action === 'accept' ? 'not confirmed' : result.action;
      return errorResult(new McpConfirmationDeclinedException(held.action_id, said));
    }
    return this.runAccepted(ctx, answer, authorized, held);
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
    return this.consumeAndRun(ctx, await this.calls.authorize(ctx, toolId, input), args);
  }

  /** Asks the user; undefined when the elicitation failed (the client then gets the action token). */
  /**
   * The user declined: the requester's own action is cancelled (audited `actions.cancel`), so it neither
   * waits for its expiry nor counts toward the open actions. A refusal (policy) only leaves it to expire.
   */
  private async withdraw(ctx: McpCallContext, held: HeldAction): Promise<void> {
    try {
      await this.actions.cancel(ctx.principal, held.action_id, ctx.requestId);
    } catch (error) {
      this.logger.warn({
        msg: 'declined action left to expire',
        action_id: held.action_id,
        request_id: ctx.requestId,
        err: String(error),
      });
    }
  }

  private async ask(
    ctx: McpCallContext,
    { call, manifest }: AuthorizedCall,
    held: HeldAction,
  ): Promise<ElicitAnswer | undefined> {
    const summary = summarizeArguments(call.input, call.sensitiveFields);
    const timeoutMs = Math.min(Math.max(1_000, Date.parse(held.expires_at) - Date.now()), MAX_ELICIT_MS);
    try {
      return await ctx.elicit!(
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
        timeoutMs,
      );
    } catch (error) {
      this.logger.warn({
        msg: 'elicitation failed: answering with the action token',
        request_id: call.requestId,
        err: String(error),
      });
      return undefined;
    }
  }

  /**
   * After `accept`: the call is checked again (policy, validation, the provider's admit; the rate limit was
   * spent by this `tools/call` already) as the principal of the request that carried the answer, which
   * must be the caller and still valid. A refusal before the action is consumed answers the problem with
   * the action's id and token, so the client can retry with `toolgate_confirm`.
   */
  private async runAccepted(
    ctx: McpCallContext,
    answer: ElicitAnswer,
    { call }: AuthorizedCall,
    held: HeldAction,
  ): Promise<CallToolResult> {
    let authorized: AuthorizedCall;
    let answerer: McpCallContext;
    try {
      answerer = { ...ctx, principal: answererOf(ctx, answer.answeredBy) };
      authorized = await this.calls.authorize(answerer, call.toolId, call.input, {
        correlationId: call.correlationId,
        spend: false,
      });
    } catch (error) {
      return stillHeldResult(error, held, call.toolId);
    }
    return this.consumeAndRun(answerer, authorized, {
      action_id: held.action_id,
      action_token: held.action_token,
    });
  }

  private async consumeAndRun(
    ctx: McpCallContext,
    { call, manifest }: AuthorizedCall,
    args: ConfirmArguments,
  ): Promise<CallToolResult> {
    const action = await this.confirmation.consume({
      principal: call.principal,
      toolId: call.toolId,
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

/**
 * Whose answer confirms the call: the principal of the request that carried it (the caller of the
 * `tools/call` otherwise), which must be the same tenant and subject and not expired.
 */
function answererOf(ctx: McpRequestContext, answeredBy?: McpRequestContext): Principal {
  const principal = answeredBy?.principal ?? ctx.principal;
  if (principal.tenant !== ctx.principal.tenant || principal.subject !== ctx.principal.subject)
    throw new McpAnswerRefusedException('other principal');
  if (principal.expiresAt !== undefined && principal.expiresAt * 1000 <= Date.now())
    throw new McpAnswerRefusedException('expired');
  return principal;
}
