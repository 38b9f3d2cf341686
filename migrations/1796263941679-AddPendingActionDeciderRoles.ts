import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Approvals and retention of held calls (libs/confirmation): `decided_by_roles`, the roles the decider held,
 * so a confirm can tell whether the policy it runs under still takes that approval (actions decided before
 * stay null: their approval counts only while every approver role they were held with still does); and an
 * index on the expiry of finished actions, which the sweep deletes CONFIRM_RETENTION_DAYS after it.
 */
export class AddPendingActionDeciderRoles1796263941679 implements MigrationInterface {
  name = 'AddPendingActionDeciderRoles1796263941679';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "pending_actions" ADD COLUMN "decided_by_roles" text array`);
    await queryRunner.query(`
      CREATE INDEX "ix_pending_actions_finished_expires_at" ON "pending_actions" ("expires_at")
       WHERE "status" IN ('consumed', 'rejected', 'cancelled', 'expired')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_pending_actions_finished_expires_at"`);
    await queryRunner.query(`ALTER TABLE "pending_actions" DROP COLUMN "decided_by_roles"`);
  }
}
