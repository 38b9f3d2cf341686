import { sha256Hex } from '@toolgate/core';

/** The confirmation tool `/mcp` offers next to the catalog. */
export const CONFIRM_TOOL = 'toolgate_confirm';
const MAX_NAME = 64;
/** Hex digits of the id's SHA-256 a shortened name carries: 8, then more while the name is taken. */
const HASH_LENGTHS = [8, 16, 32, 48];

/** `mcp.everything:get-sum` → `mcp_everything__get-sum`, `database:listTables` → `database__listTables`. */
function readable(toolId: string): string {
  return toolId.replace(/:/g, '__').replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The first free shortened name of `toolId`: readable prefix + `_` + hex of its SHA-256 (or a counter). */
function shortened(toolId: string, taken: ReadonlySet<string>): string {
  const hash = sha256Hex(toolId);
  const base = readable(toolId);
  for (const length of HASH_LENGTHS) {
    const name = `${base.slice(0, MAX_NAME - 1 - length)}_${hash.slice(0, length)}`;
    if (!taken.has(name)) return name;
  }
  for (let n = 2; ; n += 1) {
    const name = `${hash.slice(0, 48)}_${n}`;
    if (!taken.has(name)) return name;
  }
}

/**
 * MCP names (`^[a-zA-Z0-9_-]{1,64}$`) for catalog tool ids, one distinct name per id. A readable name
 * that is unambiguous in the caller's catalog and short enough is kept (those are reserved first); the
 * others are shortened and suffixed with 8 hex of the id's SHA-256, more on a clash with a name already
 * given. Shortened ids are named in id order, so the names depend on the catalog, not on its order.
 * Returns name → tool id, in the order of `toolIds`.
 */
export function mcpToolNames(toolIds: readonly string[]): Map<string, string> {
  const ids = [...new Set(toolIds)];
  const counts = new Map<string, number>();
  for (const toolId of ids) counts.set(readable(toolId), (counts.get(readable(toolId)) ?? 0) + 1);
  const keeps = (name: string) => counts.get(name) === 1 && name.length <= MAX_NAME && name !== CONFIRM_TOOL;
  const nameOf = new Map<string, string>();
  const taken = new Set<string>([CONFIRM_TOOL]);
  for (const toolId of ids.filter((id) => keeps(readable(id)))) {
    nameOf.set(toolId, readable(toolId));
    taken.add(readable(toolId));
  }
  for (const toolId of ids.filter((id) => !keeps(readable(id))).sort()) {
    const name = shortened(toolId, taken);
    nameOf.set(toolId, name);
    taken.add(name);
  }
  return new Map(ids.map((toolId) => [nameOf.get(toolId)!, toolId]));
}
