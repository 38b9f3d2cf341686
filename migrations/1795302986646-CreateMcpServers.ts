import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Upstream MCP servers registered through the API (libs/mcp) and the drift state of every upstream tool
 * (environment-defined servers have tool rows but no server row).
 */
export class CreateMcpServers1795302986646 implements MigrationInterface {
  name = 'CreateMcpServers1795302986646';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "mcp_servers" (
        "name" varchar(32) NOT NULL,
        "transport" varchar(16) NOT NULL,
        "url" varchar(2048),
        "command" varchar(512),
        "args" jsonb NOT NULL DEFAULT '[]',
        "env" jsonb NOT NULL DEFAULT '{}',
        "auth" jsonb NOT NULL,
        "created_by" varchar(256) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_mcp_servers" PRIMARY KEY ("name"),
        CONSTRAINT "CHK_mcp_servers_transport" CHECK ("transport" IN ('streamable-http', 'sse', 'stdio')),
        CONSTRAINT "CHK_mcp_servers_target" CHECK (
          ("transport" = 'stdio' AND "command" IS NOT NULL) OR ("transport" <> 'stdio' AND "url" IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE "mcp_tools" (
        "server_name" varchar(32) NOT NULL,
        "tool_name" varchar(128) NOT NULL,
        "status" varchar(16) NOT NULL,
        "current_hash" char(64) NOT NULL,
        "approved_hash" char(64) NOT NULL,
        "definition" jsonb NOT NULL,
        "approved_definition" jsonb NOT NULL,
        "admin_tags" text[] NOT NULL DEFAULT '{}',
        "approved_by" varchar(256) NOT NULL,
        "approved_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_mcp_tools" PRIMARY KEY ("server_name", "tool_name"),
        CONSTRAINT "CHK_mcp_tools_status" CHECK ("status" IN ('active', 'drifted', 'removed', 'blocked'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "mcp_tools"`);
    await queryRunner.query(`DROP TABLE "mcp_servers"`);
  }
}
