import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** APIs ingested from OpenAPI documents (libs/providers/http): base URL, auth reference, operations. */
export class CreateHttpApis1795301952816 implements MigrationInterface {
  name = 'CreateHttpApis1795301952816';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "http_apis" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" varchar(128) NOT NULL,
        "name" varchar(40) NOT NULL,
        "base_url" varchar(2048) NOT NULL,
        "auth" jsonb,
        "operations" jsonb NOT NULL,
        "spec_hash" char(64) NOT NULL,
        "version" integer NOT NULL,
        "updated_by" varchar(256) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_http_apis" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_http_apis_tenant_name" UNIQUE ("tenant", "name"),
        CONSTRAINT "CHK_http_apis_version" CHECK ("version" >= 1),
        CONSTRAINT "CHK_http_apis_auth" CHECK (
          "auth" IS NULL OR ("auth" ->> 'type' IN ('bearer', 'header', 'query') AND "auth" ? 'secret_env'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "http_apis"`);
  }
}
