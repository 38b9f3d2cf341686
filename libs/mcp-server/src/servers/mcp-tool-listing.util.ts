import { type Tool } from '@modelcontextprotocol/sdk/types.js';

import { type CatalogEntry } from '@toolgate/catalog';

import { CONFIRM_TOOL } from '../calls/tool-name.util';

/** A catalog entry as an MCP tool under `name`; undefined when its schema is not an object schema. */
export function mcpToolOf(name: string, entry: CatalogEntry): Tool | undefined {
  if (entry.inputs.type !== 'object') return undefined;
  const gate = entry.requires_approval
    ? ' Requires confirmation and another person’s approval.'
    : entry.requires_confirmation
      ? ' Requires confirmation.'
      : '';
  return {
    name,
    title: entry.name,
    description: `${entry.description}${gate}`,
    inputSchema: entry.inputs as Tool['inputSchema'],
    annotations: {
      title: entry.name,
      ...(entry.safety_tags.includes('destructive') ? { destructiveHint: true } : {}),
      ...(entry.safety_tags.includes('read-only') ? { readOnlyHint: true } : {}),
    },
    _meta: {
      'io.toolgate/tool_id': entry.toolId,
      'io.toolgate/safety_tags': entry.safety_tags,
      'io.toolgate/requires_confirmation': entry.requires_confirmation,
    },
  };
}

/** `toolgate_confirm`: runs a call held for confirmation. */
export const CONFIRM_TOOL_DEFINITION: Tool = {
  name: CONFIRM_TOOL,
  title: 'Confirm a held tool call',
  description:
    'Runs a tool call that Toolgate held for confirmation (a tool error with code CONFIRMATION.REQUIRED). ' +
    'Pass its action_id and action_token; for a call held in another session also tool_id and the same arguments.',
  inputSchema: {
    type: 'object',
    properties: {
      action_id: { type: 'string', maxLength: 200 },
      action_token: { type: 'string', maxLength: 200 },
      tool_id: { type: 'string', maxLength: 200 },
      arguments: { type: 'object' },
    },
    required: ['action_token'],
    additionalProperties: false,
  },
  annotations: { title: 'Confirm a held tool call' },
};
