import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `audit_events`: one hash chain per tenant, append-only. The trigger fires for every role, the table
 * owner and superusers included; the owner (and a superuser) can disable it or drop the table, so the
 * gateway must run as another login (docs/architecture.md, Audit; tamper tests disable it on purpose).
 */
export class CreateAuditEvents1795301048581 implements MigrationInterface {
  name = 'CreateAuditEvents1795301048581';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_events" (
        "tenant" text NOT NULL,
        "seq" bigint NOT NULL,
        "ts" timestamptz NOT NULL,
        "event" text NOT NULL,
        "subject" text,
        "tool_id" text,
        "decision" text,
        "status" text,
        "request_id" text,
        "correlation_id" text,
        "payload_digest" text,
        "policy_version" text,
        "details" jsonb NOT NULL DEFAULT '{}',
        "prev_hash" char(64) NOT NULL,
        "hash" char(64) NOT NULL,
        CONSTRAINT "PK_audit_events" PRIMARY KEY ("tenant", "seq"),
        CONSTRAINT "CHK_audit_events_seq" CHECK ("seq" >= 1)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "TRG_audit_events_append_only"
        BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_events"
        FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`DROP FUNCTION "audit_events_refuse_change"()`);
  }
}
