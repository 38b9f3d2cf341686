import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** API keys of service clients (libs/auth): hashed secrets, looked up by the id embedded in the token. */
export class CreateApiKeys1795298815811 implements MigrationInterface {
  name = 'CreateApiKeys1795298815811';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "lookup_id" varchar(16) NOT NULL,
        "secret_hash" bytea NOT NULL,
        "name" varchar(100) NOT NULL,
        "subject" varchar(256) NOT NULL,
        "tenant" varchar(128) NOT NULL,
        "roles" text[] NOT NULL DEFAULT '{}',
        "scopes" text[] NOT NULL DEFAULT '{}',
        "created_by" varchar(256) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_api_keys_secret_hash" CHECK (octet_length("secret_hash") = 32)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_api_keys_lookup_id" ON "api_keys" ("lookup_id")`);
    await queryRunner.query(
      `CREATE INDEX "IDX_api_keys_tenant_created_at" ON "api_keys" ("tenant", "created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_api_keys_tenant_created_at"`);
    await queryRunner.query(`DROP INDEX "UQ_api_keys_lookup_id"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
