import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Who stands behind a held call (libs/confirmation): the requester's credential kind and, for an API key,
 * the key's id and the subject who minted it, so that subject cannot approve it. Actions held before stay
 * null (no creator recorded) and are decided as before.
 */
export class AddPendingActionRequesterKey1796221337798 implements MigrationInterface {
  name = 'AddPendingActionRequesterKey1796221337798';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "pending_actions"
        ADD COLUMN "requester_kind" varchar(16),
        ADD COLUMN "requester_key_id" uuid,
        ADD COLUMN "requester_key_created_by" varchar(256),
        ADD CONSTRAINT "chk_pending_actions_requester_kind" CHECK ("requester_kind" IN ('jwt', 'api_key'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "pending_actions"
        DROP CONSTRAINT "chk_pending_actions_requester_kind",
        DROP COLUMN "requester_key_created_by",
        DROP COLUMN "requester_key_id",
        DROP COLUMN "requester_kind"`);
  }
}
