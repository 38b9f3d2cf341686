import { type McpServerDetailDto, type McpServerDto, type McpToolStateDto } from '../dto/mcp-server.dto';
import { type McpToolEntity } from '../entities/mcp-tool.entity';
import { type McpServerSpec, type McpServerStatus, mcpToolId } from '../mcp.types';

const UNKNOWN_STATUS: McpServerStatus = {
  state: 'down',
  tool_count: 0,
  last_discovery_at: null,
  last_error: 'not connected on this replica',
  server_info: null,
};

/** A server as admin routes answer it: where it is, how it authenticates (names only), its status. */
export function serverView(spec: McpServerSpec, status: McpServerStatus = UNKNOWN_STATUS): McpServerDto {
  return {
    name: spec.name,
    source: spec.source,
    transport: spec.transport,
    ...(spec.url ? { url: spec.url } : {}),
    ...(spec.command ? { command: spec.command } : {}),
    args: spec.args,
    auth: { ...spec.auth },
    status: { ...status },
  };
}

export function toolView(row: McpToolEntity): McpToolStateDto {
  return {
    name: row.toolName,
    toolId: mcpToolId(row.serverName, row.toolName),
    status: row.status,
    definition_hash: row.currentHash,
    approved_hash: row.approvedHash,
    approved_by: row.approvedBy,
    approved_at: row.approvedAt.toISOString(),
    admin_tags: row.adminTags,
    ...(row.currentHash !== row.approvedHash ? { pending_definition: { ...row.definition } } : {}),
  };
}

export function detailView(
  spec: McpServerSpec,
  status: McpServerStatus | undefined,
  rows: McpToolEntity[],
): McpServerDetailDto {
  return { ...serverView(spec, status), tools: rows.map(toolView) };
}
