import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Tool calls held for confirmation and approval (libs/confirmation). */
export class CreatePendingActions1795300810072 implements MigrationInterface {
  name = 'CreatePendingActions1795300810072';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "pending_actions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" varchar(128) NOT NULL,
        "subject" varchar(256) NOT NULL,
        "requester_roles" text[] NOT NULL DEFAULT '{}',
        "tool_id" varchar(200) NOT NULL,
        "manifest_version" integer NOT NULL,
        "policy_version" varchar(128) NOT NULL,
        "payload_digest" char(64) NOT NULL,
        "token_hash" char(64) NOT NULL,
        "status" varchar(16) NOT NULL,
        "requires_approval" boolean NOT NULL,
        "approver_roles" text[] NOT NULL DEFAULT '{}',
        "policy_rule" varchar(256),
        "arguments" jsonb NOT NULL,
        "correlation_id" varchar(128) NOT NULL,
        "decided_by" varchar(256),
        "decision_reason" varchar(1000),
        "decided_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "consumed_at" timestamptz,
        CONSTRAINT "PK_pending_actions" PRIMARY KEY ("id"),
        CONSTRAINT "chk_pending_actions_status"
          CHECK ("status" IN ('pending', 'approved', 'rejected', 'consumed', 'cancelled', 'expired'))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_pending_actions_token_hash" ON "pending_actions" ("token_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_pending_actions_tenant_status" ON "pending_actions" ("tenant", "status", "created_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_pending_actions_open_by_subject" ON "pending_actions" ("tenant", "subject")
         WHERE "status" IN ('pending', 'approved')`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_pending_actions_open_expires_at" ON "pending_actions" ("expires_at")
         WHERE "status" IN ('pending', 'approved')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "pending_actions"`);
  }
}
