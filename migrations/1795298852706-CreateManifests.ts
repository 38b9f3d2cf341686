import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Tool manifests per tenant (libs/catalog) and the history of every version they went through. */
export class CreateManifests1795298852706 implements MigrationInterface {
  name = 'CreateManifests1795298852706';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "manifests" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" varchar(128) NOT NULL,
        "tool_id" varchar(200) NOT NULL,
        "provider_id" varchar(64) NOT NULL,
        "version" integer NOT NULL,
        "manifest" jsonb NOT NULL,
        "safety_tags" text[] NOT NULL DEFAULT '{}',
        "source" varchar(16) NOT NULL,
        "disabled" boolean NOT NULL DEFAULT false,
        "content_hash" char(64) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_manifests" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_manifests_tenant_tool_id" UNIQUE ("tenant", "tool_id"),
        CONSTRAINT "CHK_manifests_source" CHECK ("source" IN ('provider', 'admin', 'openapi', 'mcp')),
        CONSTRAINT "CHK_manifests_version" CHECK ("version" >= 1)
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_manifests_provider_id" ON "manifests" ("provider_id")`);
    await queryRunner.query(`
      CREATE TABLE "manifest_versions" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "manifest_id" uuid NOT NULL,
        "tenant" varchar(128) NOT NULL,
        "tool_id" varchar(200) NOT NULL,
        "version" integer NOT NULL,
        "change" varchar(16) NOT NULL,
        "manifest" jsonb NOT NULL,
        "safety_tags" text[] NOT NULL DEFAULT '{}',
        "source" varchar(16) NOT NULL,
        "disabled" boolean NOT NULL,
        "changed_by" varchar(256) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_manifest_versions" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_manifest_versions_manifest_version" UNIQUE ("manifest_id", "version"),
        CONSTRAINT "CHK_manifest_versions_change" CHECK ("change" IN ('created', 'updated', 'disabled')),
        CONSTRAINT "FK_manifest_versions_manifest" FOREIGN KEY ("manifest_id")
          REFERENCES "manifests" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_manifest_versions_tenant_tool_id" ON "manifest_versions" ("tenant", "tool_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_manifest_versions_tenant_tool_id"`);
    await queryRunner.query(`DROP TABLE "manifest_versions"`);
    await queryRunner.query(`DROP INDEX "IDX_manifests_provider_id"`);
    await queryRunner.query(`DROP TABLE "manifests"`);
  }
}
