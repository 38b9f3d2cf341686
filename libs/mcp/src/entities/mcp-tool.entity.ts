import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const MCP_TOOL_STATUSES = ['active', 'drifted', 'removed', 'blocked'] as const;
export type McpToolStatus = (typeof MCP_TOOL_STATUSES)[number];

/** An upstream tool's definition as last seen, and the definition hash a platform admin approved. */
export interface McpToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/**
 * Drift protection: `current_hash` is the SHA-256 of the upstream definition (description, schemas,
 * annotations); the tool runs only while it equals `approved_hash`. `blocked`: an admin disabled its
 * manifest (`DELETE /manifests/{toolId}`); discovery leaves it disabled until an approval.
 */
@Entity({ name: 'mcp_tools' })
@Check('CHK_mcp_tools_status', `"status" IN ('active', 'drifted', 'removed', 'blocked')`)
export class McpToolEntity {
  @PrimaryColumn({ name: 'server_name', type: 'varchar', length: 32 })
  serverName: string;

  @PrimaryColumn({ name: 'tool_name', type: 'varchar', length: 128 })
  toolName: string;

  @Column({ type: 'varchar', length: 16 })
  status: McpToolStatus;

  @Column({ name: 'current_hash', type: 'char', length: 64 })
  currentHash: string;

  @Column({ name: 'approved_hash', type: 'char', length: 64 })
  approvedHash: string;

  @Column({ type: 'jsonb' })
  definition: McpToolDefinition;

  @Column({ name: 'approved_definition', type: 'jsonb' })
  approvedDefinition: McpToolDefinition;

  /** Tags a platform admin added when approving; kept on every later sync. */
  @Column({ name: 'admin_tags', type: 'text', array: true, default: () => "'{}'" })
  adminTags: string[];

  @Column({ name: 'approved_by', type: 'varchar', length: 256 })
  approvedBy: string;

  @Column({ name: 'approved_at', type: 'timestamptz' })
  approvedAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
