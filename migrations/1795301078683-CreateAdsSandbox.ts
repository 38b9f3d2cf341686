import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Tables of the ads provider: sandbox campaigns, and the per-tenant daily budget ledger. */
export class CreateAdsSandbox1795301078683 implements MigrationInterface {
  name = 'CreateAdsSandbox1795301078683';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "ads_sandbox_campaigns" (
        "id" bigserial PRIMARY KEY,
        "tenant" text NOT NULL,
        "subject" text NOT NULL,
        "customer_id" text NOT NULL,
        "name" text NOT NULL,
        "status" text NOT NULL,
        "advertising_channel_type" text NOT NULL,
        "start_date" date NOT NULL,
        "budget_amount_micros" bigint NOT NULL,
        "contains_eu_political_advertising" boolean NOT NULL,
        "request_id" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "chk_ads_sandbox_campaigns_budget" CHECK ("budget_amount_micros" > 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_ads_sandbox_campaigns_tenant_created_at" ON "ads_sandbox_campaigns" ("tenant", "created_at")`,
    );
    await queryRunner.query(`
      CREATE TABLE "ads_budget_reservations" (
        "id" bigserial PRIMARY KEY,
        "tenant" text NOT NULL,
        "mode" text NOT NULL,
        "day" date NOT NULL,
        "amount_micros" bigint NOT NULL,
        "status" text NOT NULL,
        "campaign_resource_name" text,
        "request_id" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "chk_ads_budget_reservations_mode" CHECK ("mode" IN ('sandbox', 'live')),
        CONSTRAINT "chk_ads_budget_reservations_amount" CHECK ("amount_micros" > 0),
        CONSTRAINT "chk_ads_budget_reservations_status" CHECK ("status" IN ('reserved', 'committed'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_ads_budget_reservations_tenant_mode_day" ON "ads_budget_reservations" ("tenant", "mode", "day")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "ads_budget_reservations"`);
    await queryRunner.query(`DROP TABLE "ads_sandbox_campaigns"`);
  }
}
