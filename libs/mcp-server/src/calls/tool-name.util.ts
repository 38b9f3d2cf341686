import { sha256Hex } from '@toolgate/core';

/** The confirmation tool `/mcp` offers next to the catalog. */
export const CONFIRM_TOOL = 'toolgate_confirm';
const MAX_NAME = 64;

/** `mcp.everything:get-sum` → `mcp_everything__get-sum`, `database:listTables` → `database__listTables`. */
function readable(toolId: string): string {
  return toolId.replace(/:/g, '__').replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * MCP names (`^[a-zA-Z0-9_-]{1,64}$`) for catalog tool ids: readable when that is unambiguous in the
 * caller's catalog and short enough; otherwise shortened and suffixed with 8 hex of the id's SHA-256.
 * Returns name → tool id.
 */
export function mcpToolNames(toolIds: readonly string[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const toolId of toolIds) counts.set(readable(toolId), (counts.get(readable(toolId)) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const toolId of toolIds) {
    const name = readable(toolId);
    const unique = counts.get(name) === 1 && name.length <= MAX_NAME && name !== CONFIRM_TOOL;
    names.set(unique ? name : `${name.slice(0, MAX_NAME - 9)}_${sha256Hex(toolId).slice(0, 8)}`, toolId);
  }
  return names;
}
