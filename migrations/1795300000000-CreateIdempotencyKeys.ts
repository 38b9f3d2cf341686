import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateIdempotencyKeys1795300000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1795300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "idempotency_keys" (
        "id" bigserial PRIMARY KEY,
        "tenant" text NOT NULL,
        "subject" text NOT NULL,
        "route" text NOT NULL,
        "key" varchar(255) NOT NULL,
        "payload_digest" char(64) NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('in_flight', 'completed')),
        "response_status" int,
        "response_content_type" text,
        "response_body" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_idempotency_keys_scope" ON "idempotency_keys" ("tenant", "subject", "route", "key")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_idempotency_keys_expires_at" ON "idempotency_keys" ("expires_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
