import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { type HeldAction } from '@toolgate/confirmation';

import { CONFIRM_TOOL } from './tool-name.util';
import { errorResult } from './tool-result.util';

/** A held call: a tool error carrying `action_id`, `action_token` and `expires_at` for `toolgate_confirm`. */
export function heldResult(held: HeldAction, toolId: string, toolName: string): CallToolResult {
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

/**
 * A confirmed call refused before its action was consumed (expired credential, rate limit, policy…): the
 * problem, plus the still pending action's id and token so the client can retry with `toolgate_confirm`.
 */
export function stillHeldResult(error: unknown, held: HeldAction, toolId: string): CallToolResult {
  const failed = errorResult(error);
  const text = failed.content[0]?.type === 'text' ? failed.content[0].text : '';
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text:
          `${text} The call did not run; action ${held.action_id} is still pending: ` +
          `call ${CONFIRM_TOOL} with action_id and action_token before ${held.expires_at}.`,
      },
    ],
    structuredContent: { ...held, ...failed.structuredContent, tool_id: toolId, confirm_with: CONFIRM_TOOL },
  };
}
