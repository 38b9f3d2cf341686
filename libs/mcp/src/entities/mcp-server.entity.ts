import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

import { type McpAuthSpec, type McpTransport } from '../mcp.types';

/** An upstream MCP server registered through `POST /mcp-servers` (environment ones are not stored). */
@Entity({ name: 'mcp_servers' })
@Check('CHK_mcp_servers_transport', `"transport" IN ('streamable-http', 'sse', 'stdio')`)
@Check(
  'CHK_mcp_servers_target',
  `("transport" = 'stdio' AND "command" IS NOT NULL) OR ("transport" <> 'stdio' AND "url" IS NOT NULL)`,
)
export class McpServerEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  transport: McpTransport;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  url: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  command: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  args: string[];

  /** Plain variables for a stdio child (never secrets: those are referenced through `auth`). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  env: Record<string, string>;

  /** `{ type }` plus the *name* of the variable holding the secret; never the secret itself. */
  @Column({ type: 'jsonb' })
  auth: McpAuthSpec;

  @Column({ name: 'created_by', type: 'varchar', length: 256 })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
