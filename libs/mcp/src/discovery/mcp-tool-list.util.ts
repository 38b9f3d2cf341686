import { type Tool } from '@modelcontextprotocol/sdk/types.js';

import { MCP_TOOL_NAME } from '../mcp.types';

const NAMES_SHOWN = 5;

/** What discovery syncs of an upstream's tool list, and what it leaves out. */
export interface ScreenedTools {
  tools: Tool[];
  /** Names outside `MCP_TOOL_NAME` (shortened): no route or policy could address them. */
  unaddressable: string[];
  /** Why listed tools were left out (the server's `last_error`); empty when none was. */
  problems: string[];
}

const shown = (names: string[]) =>
  names.slice(0, NAMES_SHOWN).join(', ') +
  (names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : '');

/**
 * The tools of `listed` discovery syncs: the first `max` (`MCP_MAX_TOOLS_PER_SERVER`; the others are never
 * published), with addressable names, and names listed once. Every copy of a name listed twice is left
 * out: which definition a call would run is unknown, so none may be trusted, approved or published.
 */
export function screenTools(listed: Tool[], max: number): ScreenedTools {
  const counts = new Map<string, number>();
  for (const { name } of listed) counts.set(name, (counts.get(name) ?? 0) + 1);
  const kept = listed.slice(0, max);
  const unaddressable = kept.filter(({ name }) => !MCP_TOOL_NAME.test(name)).map(({ name }) => name);
  const duplicated = [...counts]
    .filter(([name, count]) => count > 1 && MCP_TOOL_NAME.test(name))
    .map(([name]) => name);
  const problems = [
    ...(listed.length > max
      ? [`more than ${max} tools listed (MCP_MAX_TOOLS_PER_SERVER): the ones past the first ${max} skipped`]
      : []),
    ...(duplicated.length > 0 ? [`tool names listed more than once, skipped: ${shown(duplicated)}`] : []),
  ];
  return {
    tools: kept.filter(({ name }) => MCP_TOOL_NAME.test(name) && counts.get(name) === 1),
    unaddressable: unaddressable.map((name) => name.slice(0, 200)),
    problems,
  };
}
