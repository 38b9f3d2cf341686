import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The key an API key was minted with (libs/auth): null for a key a person minted. Revoking a key revokes
 * every key below it, found through the index. Keys minted by a key before this are linked from their
 * `api_keys.create` audit events (the minting key's id is the event's `actor_credential_id`); a key
 * whose event is missing stays unlinked.
 */
export class AddApiKeyParent1796263826861 implements MigrationInterface {
  name = 'AddApiKeyParent1796263826861';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "api_keys"
        ADD COLUMN "parent_key_id" uuid,
        ADD CONSTRAINT "FK_api_keys_parent_key_id" FOREIGN KEY ("parent_key_id") REFERENCES "api_keys" ("id")`);
    await queryRunner.query(`CREATE INDEX "IDX_api_keys_parent_key_id" ON "api_keys" ("parent_key_id")`);
    await queryRunner.query(`
      UPDATE "api_keys" AS child SET "parent_key_id" = parent."id"
        FROM "audit_events" AS event, "api_keys" AS parent
       WHERE event."event" = 'api_keys.create'
         AND event."details"->>'actor_kind' = 'api_key'
         AND event."details"->>'key_id' = child."id"::text
         AND parent."id"::text = event."details"->>'actor_credential_id'
         AND parent."tenant" = child."tenant"
         AND event."tenant" = child."tenant"
         AND parent."id" <> child."id"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_api_keys_parent_key_id"`);
    await queryRunner.query(`
      ALTER TABLE "api_keys"
        DROP CONSTRAINT "FK_api_keys_parent_key_id",
        DROP COLUMN "parent_key_id"`);
  }
}
